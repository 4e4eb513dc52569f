// The budgets feature's public module: the feature, the month's figures (digest, App Home) and the
// request modal other features' buttons open.
export { budgetFeature } from './budget-feature.js';
export { budgetStatus, monthForecast, type BudgetStatus } from './budget-numbers.js';
export { openRequestModal } from './budget-modals.js';
