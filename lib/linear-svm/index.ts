// A linear SVM (liblinear's L1-loss dual, `-s 3`) with stratified cross-validation, and the first principal
// component of its rows. Generic: rows and ±1 labels in, weights out.
export { trainLinearSvm, decisionValues, predict, type LinearSvmModel, type LinearSvmOptions, type LinearSvmSolver, type SvmLabels } from './linear-svm.ts';
export { crossValidateLinearSvm, stratifiedFolds, type CrossValidationOptions, type CrossValidationResult } from './linear-svm-cv.ts';
export { firstPrincipalComponent, type PrincipalComponent, type PrincipalComponentOptions } from './principal-component.ts';
