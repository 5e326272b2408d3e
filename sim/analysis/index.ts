// The analysis library: public-data heuristics of blockchain forensics, and their scoring
// against a world's ground truth.
export * from './graph.ts';
export * from './union-find.ts';
export * from './cluster.ts';
export * from './heuristics/common-input.ts';
export * from './heuristics/change.ts';
export * from './heuristics/peel.ts';
export * from './heuristics/coinjoin.ts';
export * from './taint.ts';
export * from './solver.ts';
export * from './report.ts';
