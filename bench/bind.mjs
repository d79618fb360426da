// BIND on loopback for benchmarks: the same starter the tests use.
export { namedPath, startBind, zoneText, freePort } from '../test/helpers/named.mjs';
