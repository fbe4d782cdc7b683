/** Linear annealing from `start` to `end` over `steps` (then held at `end`); steps = 0 means constant `start`. */
export function linearSchedule(start: number, end: number, steps: number, done: number): number {
  if (steps <= 0) return start;
  const f = done >= steps ? 1 : done <= 0 ? 0 : done / steps;
  return start + (end - start) * f;
}
