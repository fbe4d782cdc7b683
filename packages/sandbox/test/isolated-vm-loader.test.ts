import { describe, expect, it } from 'vitest';
import { findIsolatedVm, ISOLATED_VM_CANDIDATES } from '../src/isolated-vm-loader.js';

describe('isolated-vm loader', () => {
  it('finds the build installed for the running Node.js', () => {
    const found = findIsolatedVm();
    if (found instanceof Error) throw found;
    const major = Number(process.versions.node.split('.')[0]);
    expect(found.alias).toBe(major >= 24 ? 'isolated-vm-v7' : 'isolated-vm-v5');
    expect(found.version).toMatch(major >= 24 ? /^7\./ : /^5\./);
    expect(found.binary).toMatch(/\.node$/);
  });

  it('names the package another runtime would need when it is not installed', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const other = major >= 24 ? '22.12.0' : '24.0.0';
    const found = findIsolatedVm(other);
    expect(found).toBeInstanceOf(Error);
    expect((found as Error).message).toContain(major >= 24 ? 'isolated-vm-v5' : 'isolated-vm-v7');
    expect((found as Error).message).toContain('npm install');
  });

  it('says an unsupported major is not supported', () => {
    const found = findIsolatedVm('16.20.0');
    expect(found).toBeInstanceOf(Error);
    expect((found as Error).message).toMatch(/not supported.*20\.19\+, 22 or 24/);
  });

  it('covers every supported major with exactly one candidate', () => {
    for (const major of [20, 22, 24]) {
      expect(ISOLATED_VM_CANDIDATES.filter((c) => major >= c.minNodeMajor && major <= c.maxNodeMajor)).toHaveLength(1);
    }
  });
});
