/** A progress bar on a TTY (stderr), nothing otherwise, so piped output stays clean. */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(total: number, label: string, enabled = process.stderr.isTTY === true, unit = 'ticks'): Progress {
  if (!enabled || total <= 0) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta}s`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let last = 0;
  return {
    update(done) {
      // Redrawing every tick would cost more than the simulation; 200 redraws per run is plenty.
      if (done - last >= total / 200 || done === total) {
        bar.update(done);
        last = done;
      }
    },
    stop() {
      bar.stop();
    },
  };
}
