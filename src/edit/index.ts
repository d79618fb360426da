export { setPtr, resetPtr, applyBulk, writeChanges, type ChangeOptions, type ChangeResult, type BulkOptions, type BulkResult } from './api.js';
export { planPtrChanges, blockOf, isOwner, currentPtr, type PtrRequest, type PtrValue, type PlannedChange, type PlannedKind, type EditPlan, type Actor } from './plan.js';
export { parseBulkInput, type BulkInput } from './bulk-input.js';
export { editRecords, type RecordEdit, type TopLevelEdit, type EditResult } from './record-edit.js';
export { writeFileAtomic } from './atomic-write.js';
export { proposeChange, type ProposeOptions, type ProposedChange } from './propose.js';
export { changeSummary, markdownTable } from './change-report.js';
export { delegatePrefix, undelegatePrefix, formatHandoff, type DelegateOptions, type DelegationResult, type Handoff } from './delegate.js';
