import { CodeCommitClient, GetCommitCommand, paginateGetDifferences } from '@aws-sdk/client-codecommit';
import type { SourceReader } from '../ports';

export function codeCommitSource(client: CodeCommitClient): SourceReader {
  return {
    async getCommit(repositoryName, commitId) {
      const { commit } = await client.send(new GetCommitCommand({ repositoryName, commitId }));
      return {
        commitId,
        author: commit?.author?.name ?? commit?.committer?.name ?? 'unknown',
        authorEmail: commit?.author?.email,
        message: commit?.message ?? '',
        // CodeCommit's date is "<epoch seconds> <tz offset>", e.g. "1484167798 -0800"
        authoredAt: epochToIso(commit?.author?.date),
      };
    },
    async changedPaths(repositoryName, beforeCommitSpecifier, afterCommitSpecifier) {
      const paths = new Set<string>();
      for await (const page of paginateGetDifferences({ client }, { repositoryName, beforeCommitSpecifier, afterCommitSpecifier })) {
        for (const difference of page.differences ?? []) {
          if (difference.beforeBlob?.path) paths.add(difference.beforeBlob.path);
          if (difference.afterBlob?.path) paths.add(difference.afterBlob.path);
        }
      }
      return [...paths];
    },
  };
}

function epochToIso(date: string | undefined): string | undefined {
  const seconds = Number(date?.split(' ')[0]);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}
