/**
 * The course library in one import: `import * as dl from "./lib/index"`.
 *
 * What a chapter, the README's examples or a chapter of your own reach for, by name and grouped by
 * room; each line names the file a piece lives in, open it for the details. Plumbing (step drivers,
 * internal option types, one generator's constants) is not here: import it from its file if you
 * need it. test/house/public-api.test.ts lists these names, so that changing them is deliberate.
 */

// Starting a chapter, fast mode, the longer-trained networks (lib/course).
export { fullOrFast, isFastMode } from "./course/fast-mode";
export { startChapter } from "./course/start-chapter";
export type { ChapterSetup, StartChapterArgs } from "./course/start-chapter";
export { loadTrainedNetwork } from "./course/trained-networks";
export type { FallbackNetwork, LoadTrainedNetworkOptions, NoTrainedNetwork, TrainedNetwork, TrainedSource } from "./course/trained-networks";
export { readTrainingRecord } from "./course/trained-models";
export type { AutoencoderRecord, AutoencoderTask, DnaCnnRecord, RickCnnRecord, RickTask, TrainedTask, TrainingRecord, TrainingRecordBase } from "./course/trained-models";

// Which TensorFlow runs the chapter (lib/backend).
export { listBackends, selectBackend } from "./backend/select-backend";
export type { BackendAvailability, BackendChoice, BackendName, SelectBackendOptions } from "./backend/select-backend";

// Seeds and R's random numbers (lib/random).
export { rnorm, runif, sample, setSeed } from "./random/rng";
export type { RngOptions, SampleKind } from "./random/rng";

// Reading data sets (lib/data).
export { balancedClassWeights, classCounts, majorityBaseline, toCategorical } from "./data/labels";
export type { ClassWeights } from "./data/labels";
export { seq } from "./data/seq";
export { pick, splitIndices, takeRows } from "./data/split";
export type { Split } from "./data/split";

// JPEG frames: decoding, loading folders, checks (lib/data/images).
export { describeDuplicates, findDuplicates } from "./data/images/checks/duplicates";
export type { DuplicateGroup, DuplicateInput, DuplicateReport } from "./data/images/checks/duplicates";
export { decodeJpeg, readJpeg, readJpegTensor } from "./data/images/codecs/jpeg";
export type { RgbImage } from "./data/images/codecs/jpeg";
export { encodeJpeg, writeJpeg } from "./data/images/codecs/jpeg-encode";
export { resizeBilinear } from "./data/images/codecs/resize";
export { listFiles } from "./data/images/list-files";
export type { ListFilesOptions } from "./data/images/list-files";
export { FrameBytes, predictFrames } from "./data/images/loaders/frame-bytes";
export type { FrameBatchOptions, FrameLabels } from "./data/images/loaders/frame-bytes";
export { imageFilesIn, loadImageFilesAsync, loadImageFolder, loadImageFolderAsync } from "./data/images/loaders/load-images";
export type { BadFilePolicy, LoadedImages, LoadFolderOptions, LoadImagesOptions, SkippedFile, WrongSizePolicy } from "./data/images/loaders/load-images";
export { loadLabelledFolders, loadLabelledFoldersAsync, loadLabelledFramesAsync } from "./data/images/loaders/load-labelled";
export type { LabelledFolder, LabelledFrames, LabelledImages, LoadLabelledOptions } from "./data/images/loaders/load-labelled";

// The Rick and Morty frames: folders and where they come from (lib/data/rick-morty).
export { rickMortyPaths } from "./data/rick-morty/layout";
export type { RickMortyFolder } from "./data/rick-morty/layout";
export { readManifest } from "./data/rick-morty/manifest";
export type { StandInManifest } from "./data/rick-morty/manifest";
export { describeRickMortySource, rickMortyRoot } from "./data/rick-morty/source";

// DNA: FASTA, one-hot codes, the ChIP-seq data set (lib/data/dna).
export { readChipManifest } from "./data/dna/chip-manifest";
export type { ChipManifest, ChipStandInSettings } from "./data/dna/chip-manifest";
export { describeChipSource } from "./data/dna/chip-source";
export { baseComposition } from "./data/dna/composition";
export { parseFasta, readFasta } from "./data/dna/fasta";
export type { FastaRecord, ParseFastaArgs, ReadFastaArgs } from "./data/dna/fasta";
export { CHIP_SEQUENCE_LENGTH, chipPaths, chipStandInRoot } from "./data/dna/layout";
export type { ChipClass } from "./data/dna/layout";
export { loadChipData } from "./data/dna/load-chip";
export type { ChipData, ChipFileSummary, LoadChipArgs } from "./data/dna/load-chip";
export { informationContent, motifProbabilities, PRDM1_MA0508_1, reverseComplement, reverseComplementMatrix, SOX17_MA0078_1 } from "./data/dna/motifs";
export type { CountMatrix } from "./data/dna/motifs";
export type { DroppedSequence } from "./data/dna/n-filter";
export { oneHotDna } from "./data/dna/one-hot";
export type { DnaSequence, OneHotArgs } from "./data/dna/one-hot";
export { PLANTED_SITES_FILE, readPlantedSites } from "./data/dna/planted-sites";
export type { PlantedSite } from "./data/dna/planted-sites";
export { SequenceShifter, shiftSequence } from "./data/dna/shift-augment";
export type { SequenceShifterArgs, ShiftDatasetOptions } from "./data/dna/shift-augment";

// MNIST and Fashion-MNIST: IDX files (lib/data/mnist).
export { loadFashionSmall } from "./data/mnist/fashion-small";
export type { LoadFashionSmallArgs } from "./data/mnist/fashion-small";
export { readIdxFile, readIdxImages, readIdxLabels } from "./data/mnist/idx";
export type { IdxArray, IdxData, IdxDtype, IdxImages } from "./data/mnist/idx";
export { greyImage, imagesAt, imageTensor, splitIds, splitLabels, splitSizes } from "./data/mnist/image-set";
export type { ImageLayout, ImageSet, SplitName, TensorOptions } from "./data/mnist/image-set";
export { DIGIT_NAMES, FASHION_NAMES, loadFashionMnist, loadMnist } from "./data/mnist/mnist";
export type { EmbeddedSizes, LoadFashionArgs, LoadMnistArgs } from "./data/mnist/mnist";
export type { PerClass } from "./data/mnist/stratified";

// CIFAR-10 binary batches (lib/data/cifar).
export { CIFAR10_CLASSES, readCifarBatch } from "./data/cifar/binary-batch";
export type { CifarBatch } from "./data/cifar/binary-batch";
export { DEER_FROG_TRUCK, loadCifarClasses } from "./data/cifar/cifar-classes";
export type { CifarSelection, CifarSplit, LoadCifarOptions } from "./data/cifar/cifar-classes";

// The Oxford 17 flowers (lib/data/flowers).
export { loadFlowers17 } from "./data/flowers/flowers17";
export type { LoadFlowers17Args } from "./data/flowers/flowers17";

// Generated stand-ins for the course's data sets (lib/stand-ins).
export type { StandInOptions, StandInResult, StandInStatus } from "./stand-ins/ensure-generated";
export { CHIP_DEFAULT_SEED, ensureChipData, ensureChipDataAsync } from "./stand-ins/chip/generate";
export type { ChipPart } from "./stand-ins/chip/generate";
export { CIFAR_DEFAULT_SEED, describeCifarSource, ensureCifarData, ensureCifarDataAsync, generateCifarStandIn, generateCifarStandInAsync, readCifarStandInManifest } from "./stand-ins/cifar/generate";
export type { CifarPart, CifarStandInManifest } from "./stand-ins/cifar/generate";
export { DIFFICULTIES } from "./stand-ins/cifar/pictures";
export type { Difficulty, Scene } from "./stand-ins/cifar/pictures";
export type { PixelBox } from "./stand-ins/raster";
export { characterRecord, charactersIn } from "./stand-ins/rick-morty/cast-record";
export type { CharacterRecord } from "./stand-ins/rick-morty/cast-record";
export { ensureRickMortyData, ensureRickMortyDataAsync } from "./stand-ins/rick-morty/generate";
export type { DrawnCharacter } from "./stand-ins/rick-morty/scene";

// Data augmentation and generators, as keras' image_data_generator (lib/augment).
export { flowFromDirectory } from "./augment/flow-from-directory";
export type { ClassMode, DirectoryFlow, DirectoryFlows, FlowBatch, FlowFromDirectoryArgs, FlowSubset } from "./augment/flow-from-directory";
export type { PixelImage } from "./augment/image";
export { ImageDataGenerator } from "./augment/image-generator";
export type { Batch, FlowOptions, ImageGeneratorArgs } from "./augment/image-generator";
export { addGaussianNoise } from "./augment/noise";
export type { GaussianNoiseOptions } from "./augment/noise";
export type { AugmentRanges, TransformParams } from "./augment/random-transform";
export type { FillMode, Interpolation } from "./augment/resample";

// Models the course builds from parts, and transfer learning (lib/models).
export { dnaCnn } from "./models/course-architectures";
export { fitLinear } from "./models/linear-regression";
export type { LinearFit } from "./models/linear-regression";
export { stochasticPredict, StochasticPredictions } from "./models/stochastic-predict";
export type { StochasticPredictOptions } from "./models/stochastic-predict";
export { convolutionalBase, loadPretrainedNetwork, parameterCounts, unfreezeOnly } from "./models/transfer";
export type { ConvolutionalBase, ConvolutionalBaseArgs } from "./models/transfer";
export { GaussianSampling } from "./models/variational";
export { fitVariational } from "./training/fit-variational";
export type { GaussianSamplingArgs } from "./models/variational";
export type { FitVariationalArgs, VariationalHistory } from "./training/fit-variational";

// Keras callbacks, resumable and compiled training (lib/training).
export { compiledEvaluate, compiledFit, compiledFitDataset, compiledFitEnabled, compiledPredict, setCompiledFit, whyNotCompiled } from "./training/compiled-fit";
export type { CompiledFitArgs } from "./training/compiled-fit";
export { earlyStopping, EarlyStopping } from "./training/early-stopping";
export type { EarlyStoppingArgs } from "./training/early-stopping";
export { modelCheckpoint, ModelCheckpoint } from "./training/model-checkpoint";
export type { ModelCheckpointArgs, MonitorMode } from "./training/model-checkpoint";
export { resumableTraining, ResumableTraining } from "./training/resumable";
export type { ResumableTrainingArgs } from "./training/resumable";

// Saving and loading models, Keras files (lib/io).
export { loadCourseModel } from "./io/keras/course-models";
export type { CourseModel, LoadCourseModelOptions } from "./io/keras/course-models";
export { loadKerasModel, loadKerasWeights } from "./io/keras/load";
export { saveKerasModel } from "./io/keras/write";
export { loadModel, registerFileRouters, saveModel } from "./io/model-files";
export { loadWeights, saveWeights } from "./io/weight-files";

// Accuracy, confusion tables, ROC (lib/evaluate).
export { accuracy, accuracyBySplit, predictedClasses } from "./evaluate/accuracy";
export { confusionMatrix, formatConfusion, mostConfused, mostConfusedPairs } from "./evaluate/confusion";
export type { ClassAccuracy, ConfusedPair, ConfusionMatrix, ConfusionOptions } from "./evaluate/confusion";
export { multiclassRoc } from "./evaluate/multiclass-roc";
export type { MulticlassRoc, MulticlassRocOptions, PairAuc, RocDirection } from "./evaluate/multiclass-roc";
export { psnr, reconstructionError } from "./evaluate/reconstruction";
export type { ReconstructionSummary } from "./evaluate/reconstruction";

// Showing images, heatmaps, model summaries, training progress (lib/display).
export type { ColorMapName } from "./display/colormap";
export { colouredHeatmap, heatmapOverlay, heatmapPeakAt, markPoint, outlineBox, resizeHeatmap } from "./display/heatmap-overlay";
export type { BoxOutline, HeatmapOverlayOptions } from "./display/heatmap-overlay";
export { imageToPng, showImage, showImages, splitChannels } from "./display/image";
export type { ImageGridOptions, ImageInput, ImageOptions, PixelArray, ShowImageOptions } from "./display/image";
export { summary, summaryText } from "./display/summary";
export type { SummaryOptions } from "./display/summary";
export { trainingProgress, TrainingProgress } from "./display/training-progress";
export type { TrainingProgressOptions } from "./display/training-progress";

// Looking inside a network: activations, filters, Grad-CAM, mutagenesis (lib/interpret).
export { activationModel, activations, featureMaps, findLayer, realLayers } from "./interpret/activations";
export type { FeatureMapOptions, LayerActivation, LayerRef, LayerSelection } from "./interpret/activations";
export { filterMotifs, matchMotif } from "./interpret/filter-motifs";
export type { FilterMotif, FilterMotifArgs, MotifMatch } from "./interpret/filter-motifs";
export { visualiseFilters } from "./interpret/filter-visualisation";
export type { FilterImage, FilterVisualisationOptions } from "./interpret/filter-visualisation";
export { gradCam, gradCamBatch, lastConvLayerName } from "./interpret/grad-cam";
export type { GradCamMap, GradCamOptions } from "./interpret/grad-cam";
export { mutagenesis, peakInSite } from "./interpret/mutagenesis";
export type { MutagenesisArgs, MutagenesisResult } from "./interpret/mutagenesis";
export { pointInBox, scorePeaksInBoxes } from "./interpret/peak-in-box";
export type { PeakBox, PeakInBoxArgs, PeakInBoxScore } from "./interpret/peak-in-box";
export { cellCentre, cellGeometry } from "./interpret/receptive-field";
export type { CellGeometry } from "./interpret/receptive-field";

// Charts: ggplot-like plots, plot(history), Plotly, Vega-Lite (lib/plotting).
export { heatmap, lineChart } from "./plotting/charts";
export type { Band, ChartLayout, HeatmapArgs, LineChartArgs, Numbers, Series } from "./plotting/charts";
export { historyValues, plot, plotHistory, printHistory } from "./plotting/history";
export type { HistoryLike, HistoryPlotOptions } from "./plotting/history";
export { loess } from "./plotting/loess";
export type { LoessOptions } from "./plotting/loess";
export { showPlotly } from "./plotting/plotly";
export type { PlotlyBundleOptions, PlotlyFigure } from "./plotting/plotly";
export { boxplotStats, rBoxplot } from "./plotting/r-boxplot";
export type { BoxplotStats, RBoxplotArgs } from "./plotting/r-boxplot";
export { consensus, showSequenceLogos } from "./plotting/sequence-logo";
export type { LogoPanel, SequenceLogoOptions } from "./plotting/sequence-logo";
export { showVegaLite } from "./plotting/vegalite";
export type { VegaLiteSpec } from "./plotting/vegalite";

// The notebook runtime: rich output, Kernel > Interrupt, progress lines (lib/kernel).
export { formatDuration } from "./kernel/duration";
export { lastInterruptStop } from "./kernel/interrupt";
export type { InterruptStop } from "./kernel/interrupt";
export { displayBundle } from "./kernel/mime";
export type { MimeBundle, MimeValue } from "./kernel/mime";
export type { AsyncProgressOptions } from "./kernel/work-progress";

// Measuring a reader's peak memory (lib/memory).
export { measurePeakMemory } from "./memory/peak-memory";
export type { PeakMemoryArgs, PeakMemoryMode, PeakMemoryResult } from "./memory/peak-memory";

// The exercises' instant checks (lib/check).
export type { Exercise2_2Args } from "./check/exercise2-2";
export type { Exercise2_4Frames } from "./check/exercise2-4";
export type { Exercise4BArgs } from "./check/exercise4-b";
export type { Exercise5AArgs } from "./check/exercise5-a";
export { check } from "./check/index";
