// A worker thread of stackcollapse: collapses one piece of a file and posts the result
// back (see parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { CollapseOptions } from './collapse.js';
import { collapsePiece, pieceResult, tallyBad, type BadTally, type Piece } from './parallel.js';

const { path, piece, opts } = workerData as { path: string; piece: Piece; opts: CollapseOptions };
const bad: BadTally = new Map();
const { collapser, lines } = collapsePiece(path, piece, opts, tallyBad(bad));
const r = pieceResult(collapser, lines, bad);
parentPort!.postMessage(r, [r.ids.buffer as ArrayBuffer, r.lengths.buffer as ArrayBuffer, r.counts.buffer as ArrayBuffer]);
