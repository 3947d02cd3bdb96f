import { MemoryStore } from '../../../lib/store/memory-store.js';
import { storeContract } from '../../contract/store-contract.js';

storeContract('memory', async (knobs = {}) => ({ store: new MemoryStore(knobs) }), { propertyRuns: 100 });
