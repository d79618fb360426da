export { createDnsResolver, parseServer, type Answer, type DnsResolver, type Outcome, type RecordType, type ResolverOptions, type ResolverStats } from './resolver.js';
export { checkFcrdns, fcrdnsTargetsOfBlocks, fcrdnsTargetsOfChanges, recordMessage, type FcrdnsOptions, type FcrdnsReport, type FcrdnsResult, type FcrdnsStatus, type FcrdnsTarget } from './fcrdns.js';
export { runAudit, type AuditInput, type AuditOptions, type AuditReport, type AuditSummary, type BlockCoverage, type PtrDrift, type StaleRecord } from './audit.js';
export { checkDelegation, type DelegationStatus, type ZoneDelegation, type ZoneProbe, type DirectOptions } from './delegation.js';
export { createDirectQuerier, type AuthoritativeQuerier, type DirectAnswer } from './direct-query.js';
export { auditJson, auditMarkdown } from './audit-report.js';
