import { cardStoreContract, ledgerContract } from '../../support/ledger-contract';
import { memoryCards, memoryLedger } from '../../support/fakes';

describe('memoryLedger', () => {
  ledgerContract(() => memoryLedger());
});

describe('memoryCards', () => {
  cardStoreContract(() => memoryCards());
});
