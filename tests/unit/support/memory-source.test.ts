import { memorySource } from '../../support/fakes';
import { historyCommits, historyIds, sourceContract } from '../../support/source-contract';

describe('memorySource', () => {
  sourceContract(async (_, history) => ({ source: memorySource(historyCommits(history)), ids: historyIds(history) }));
});
