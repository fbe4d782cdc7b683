// @vitest-environment jsdom
import './dom-stubs.js';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RL_ACTIONS, Simulation } from '@crowdalpha/engine';
import { RlDiagnosticsPanel } from '../src/components/RlDiagnosticsPanel.js';

afterEach(cleanup);

describe('RlDiagnosticsPanel', () => {
  it("shows a real learner's figures and one probability bar per action", () => {
    const sim = new Simulation({ seed: 3, analytics: false, population: { rl: 1 }, rlPpo: { rolloutLength: 64 } });
    sim.run(150);
    const extra = sim.agentStats('rl_1')!.extra;
    render(<RlDiagnosticsPanel extra={extra} />);
    const panel = screen.getByTestId('rl-diagnostics');
    expect(panel.textContent).toContain('learning');
    expect(panel.querySelector('[data-key="rl_updates"]')!.textContent).toBe('2');
    expect(panel.querySelector('[data-key="rl_approx_kl"]')!.textContent).not.toBe('—');
    const rows = screen.getByTestId('rl-action-probs').querySelectorAll('tbody tr');
    expect(rows).toHaveLength(RL_ACTIONS.length);
  });

  it('renders nothing for an agent without learner figures', () => {
    const { container } = render(<RlDiagnosticsPanel extra={{ drawdown: 1 }} />);
    expect(container.innerHTML).toBe('');
  });
});
