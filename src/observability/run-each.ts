// Independent jobs that must all get their turn: one that throws is logged and the rest still
// run; the failures are then thrown together, so the invocation still shows as failed.

export async function runEach<T>(items: readonly T[], task: (item: T) => Promise<unknown>, label: { each: (item: T) => string; all: string }): Promise<void> {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      await task(item);
    } catch (error) {
      console.error(`${label.each(item)} failed`, error);
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${items.length} ${label.all} failed`);
}
