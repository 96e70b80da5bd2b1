// The events the functions take, as AWS sends them: one module each in event-schemas/, so that a
// function's bundle builds only its own; here all of them, for the code and tests that want any.
export * from './event-schemas/alarm';
export * from './event-schemas/codebuild';
export * from './event-schemas/codecommit';
export * from './event-schemas/codedeploy';
export * from './event-schemas/codepipeline';
export { describeIssues } from './event-schemas/envelope';
export * from './event-schemas/sns';
