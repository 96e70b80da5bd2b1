/** Every temporary folder of the test run in one of its own (TMPDIR), made once. */
export function setup(): void;
/** Removes the run's temporary folder. */
export function teardown(): void;
