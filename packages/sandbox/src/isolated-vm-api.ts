/**
 * The part of isolated-vm's API the runner uses, as types. The package itself is installed under
 * a per-runtime npm alias (see isolated-vm-loader.ts), so no single `import type … from
 * 'isolated-vm'` compiles on every Node.js; 5.x and 7.x share this surface.
 */
export interface RunOptions {
  timeout?: number;
}

export interface Reference {
  apply(receiver: undefined, args: unknown[], options?: RunOptions): Promise<unknown>;
  applySync(receiver: undefined, args: unknown[], options?: RunOptions): unknown;
  get(property: string, options: { reference: true }): Promise<Reference>;
  derefInto(): unknown;
}

export interface Context {
  eval(code: string, options: RunOptions & { reference: true; filename?: string }): Promise<Reference>;
}

export interface Isolate {
  readonly isDisposed: boolean;
  /** CPU time spent inside this isolate so far (waiting for a pool thread is not counted): ns as a bigint (isolated-vm >= 4). */
  readonly cpuTime: bigint;
  createContext(): Promise<Context>;
  dispose(): void;
}

/** A value held outside every isolate; `copyInto()` hands it to a call as an argument. */
export interface ExternalCopy {
  copyInto(): unknown;
  release(): void;
}

/** The module object `require`d from the build's main file. */
export interface IsolatedVmModule {
  Isolate: new (options: { memoryLimit: number }) => Isolate;
  ExternalCopy: new (value: string) => ExternalCopy;
}
