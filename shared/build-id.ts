/** A build's id as CodePipeline and the console write it (`project:uuid`), from the ARN the build event carries. */
export function shortBuildId(buildId: string): string {
  return buildId.replace(/^arn:[^:]+:codebuild:[^:]+:\d+:build\//, '');
}
