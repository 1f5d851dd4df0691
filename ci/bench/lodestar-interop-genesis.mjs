// Anchor for ethnet's validator benchmark: times lodestar's own interop genesis (keys, deposits,
// genesis state) for N validators, with the lodestar 1.5.1 install ci/tools pins.
//   node ci/bench/lodestar-interop-genesis.mjs LODESTAR_DIR N
import {pathToFileURL} from "node:url";
import path from "node:path";

const [dir, count] = [process.argv[2], Number(process.argv[3] ?? 4096)];
const load = (p) => import(pathToFileURL(path.join(dir, "node_modules", p)).href);
const {initDevState} = await load("@lodestar/beacon-node/lib/node/utils/state.js");
const {createIChainForkConfig, chainConfig} = await load("@lodestar/config/lib/index.js");

const config = createIChainForkConfig({...chainConfig, ALTAIR_FORK_EPOCH: 0, BELLATRIX_FORK_EPOCH: 0, CAPELLA_FORK_EPOCH: 0});
const start = process.hrtime.bigint();
const {state} = initDevState(config, count, {genesisTime: 1800000000, eth1BlockHash: Buffer.alloc(32, 0xaa), eth1Timestamp: 1800000000});
state.hashTreeRoot();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`lodestar 1.5.1 interop genesis (keys, deposits, state, root), ${count} validators: ${seconds.toFixed(1)} s`);
