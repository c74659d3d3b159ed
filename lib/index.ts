/**
 * The course library in one import: `import * as dl from "./lib/index"`.
 * Each line names the file a piece lives in; open it for the details.
 */

// course
export * from "./course/fast-mode";
export * from "./course/start-chapter";
export { cgroupMemoryLimit, memoryLimitWarning, notebookMemoryBudgetMb } from "./course/memory-limit";
export type { MemoryLimit, MemoryLimitSources } from "./course/memory-limit";

// backend
export * from "./backend/select-backend";
export * from "./backend/wasm-training-kernels";
export { installLeanBackprop, uninstallLeanBackprop } from "./backend/lean-backprop";
export { registerNativeReluGrad, unregisterNativeReluGrad } from "./backend/native-relu-grad";

// random
export * from "./random/rng";

// data
export * from "./data/cifar/binary-batch";
export * from "./data/cifar/cifar-classes";
export * from "./stand-ins/cifar/generate";
export * from "./stand-ins/cifar/pictures";
export * from "./data/dna/chip-manifest";
export * from "./data/dna/chip-source";
export * from "./data/dna/fasta";
export * from "./stand-ins/chip/generate";
export type { StandInOptions, StandInResult, StandInStatus } from "./stand-ins/ensure-generated";
export * from "./data/dna/layout";
export * from "./data/dna/load-chip";
export * from "./data/dna/motifs";
export * from "./data/dna/n-filter";
export * from "./data/dna/one-hot";
export * from "./data/dna/planted-sites";
export * from "./data/dna/shift-augment";
export { baseComposition, COMPOSITION_FEATURES } from "./data/dna/composition";
export * from "./data/flowers/flowers17";
export * from "./data/images/checks/duplicates";
export * from "./augment/flow-from-directory";
export { FrameBytes, predictFrames } from "./data/images/loaders/frame-bytes";
export type { FrameBatchOptions, FrameLabels } from "./data/images/loaders/frame-bytes";
export * from "./data/images/checks/fingerprint";
export * from "./data/images/codecs/jpeg-encode";
export * from "./data/images/codecs/jpeg";
export * from "./data/images/list-files";
export * from "./data/images/loaders/load-images";
export * from "./data/images/loaders/load-labelled";
export * from "./memory/peak-memory";
export * from "./data/images/codecs/resize";
export * from "./data/labels";
export * from "./data/mnist/embedded-digits";
export * from "./data/mnist/fashion-small";
export * from "./data/mnist/idx";
export * from "./data/mnist/image-set";
export * from "./data/mnist/mnist";
export * from "./data/mnist/stratified";
export * from "./stand-ins/rick-morty/cast-record";
export * from "./stand-ins/rick-morty/generate";
export * from "./data/rick-morty/layout";
export * from "./data/rick-morty/manifest";
export * from "./data/rick-morty/source";
export * from "./data/seq";
export * from "./data/split";

// io
export * from "./io/keras/course-models";
export { kerasFlatten } from "./io/keras/keras-translate";
export * from "./io/keras/load";
export * from "./io/keras/write";
export * from "./io/model-files";
export * from "./io/weight-files";

// training
export * from "./training/early-stopping";
export * from "./training/model-checkpoint";
export * from "./course/trained-models";
export * from "./course/trained-autoencoders";
export * from "./kernel/interrupt";
export { compiledFit, compiledEvaluate, compiledPredict, compiledTrainOnBatch, syncCompiledWeights, releaseCompiled, setCompiledFit, compiledFitEnabled, whyNotCompiled } from "./training/compiled-fit";
export type { CompiledFitArgs } from "./training/compiled-fit";
export { resumableTraining, ResumableTraining, saveTrainingState, loadTrainingState, readTrainingState } from "./training/resumable";
export type { ResumableTrainingArgs, TrainingStateHeader } from "./training/resumable";

// models
export * from "./models/input-adapter";
export * from "./models/linear-regression";
export * from "./models/stochastic-predict";
export * from "./models/transfer";
export * from "./models/variational";
export { dnaCnn } from "./models/course-architectures";
export { dnaMultiWidthCnn, dnaContextCnn, DNA_FILTER_WIDTHS } from "./models/dna-functional";

// display
export * from "./display/colormap";
export * from "./display/heatmap-overlay";
export * from "./display/image";
export * from "./kernel/mime";
export * from "./display/mini-chart";
export * from "./display/png";
export * from "./display/svg";
export * from "./display/training-progress";
export * from "./kernel/duration";
export * from "./kernel/work-progress";
export { summary, summaryOf, summaryText, summaryHtml, kerasLayerName, kerasModelName } from "./display/summary";
export type { ModelSummary, SummaryRow, SummaryOptions } from "./display/summary";

// plotting
export * from "./plotting/charts";
export * from "./plotting/history";
export { loess, evenGrid } from "./plotting/loess";
export type { LoessOptions } from "./plotting/loess";
export * from "./plotting/plotly";
export * from "./plotting/r-boxplot";
export * from "./plotting/sequence-logo";
export * from "./plotting/vegalite";

// interpret
export * from "./interpret/activations";
export * from "./interpret/filter-motifs";
export * from "./interpret/filter-visualisation";
export * from "./interpret/mutagenesis";
export * from "./interpret/grad-cam";
export * from "./interpret/receptive-field";

// evaluate
export * from "./evaluate/accuracy";
export * from "./evaluate/confusion";
export * from "./evaluate/multiclass-roc";
export * from "./evaluate/reconstruction";

// augment
export * from "./augment/affine";
export * from "./augment/flip";
export * from "./augment/image-generator";
export * from "./augment/image";
export * from "./augment/noise";
export * from "./augment/random-transform";
export * from "./augment/resample";

// exercise checks
export { check, practiceReports } from "./check/index";
export { exercise2_1Report } from "./check/exercise2-1";
export { exercise2_2Report } from "./check/exercise2-2";
export type { Exercise2_2Args } from "./check/exercise2-2";
export { exercise2_3Report } from "./check/exercise2-3";
export { exercise2_4Report } from "./check/exercise2-4";
export type { Exercise2_4Frames } from "./check/exercise2-4";
export { exercise4BReport } from "./check/exercise4-b";
export type { Exercise4BArgs } from "./check/exercise4-b";
export { exercise5AReport } from "./check/exercise5-a";
export type { Exercise5AArgs } from "./check/exercise5-a";
export { formatReport } from "./check/report";
export type { CheckReport, CheckItem, CheckStatus } from "./check/report";
