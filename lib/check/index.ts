/**
 * `dl.check.*`: one check per exercise, run in the cell after it. Each prints what holds and what is
 * missing in plain words, accepts whatever it is given and never throws; "not done yet" while the
 * answer is still empty. The `*Report` functions return the same findings as data (for tests).
 */
import { show } from "./report";
import { exercise2_1Report } from "./exercise2-1";
import { Exercise2_2Args, exercise2_2Report } from "./exercise2-2";
import { exercise2_3Report } from "./exercise2-3";
import { Exercise2_4Frames, exercise2_4Report } from "./exercise2-4";
import { Exercise4BArgs, exercise4BReport } from "./exercise4-b";
import { Exercise5AArgs, exercise5AReport } from "./exercise5-a";
import { parameterCountReport, predictionReport } from "./predictions";

// The right answers are kept as answerHash(...) values (see predictions.ts), not spelled out.
import { CheckReport } from "./report";

/** The new short exercises, one or more per chapter, as report functions. */
export const practiceReports = {
  exercise1A: (predicted: unknown, model: unknown): CheckReport =>
    parameterCountReport(predicted, model, {
      exercise: "1.A", title: "predict a parameter count", expected: "7d17f9443e561f07", before: 12441,
      change: "the second hidden layer cut to 50 units",
    }),
  exercise2A: (predicted: unknown, model: unknown): CheckReport =>
    parameterCountReport(predicted, model, {
      exercise: "2.A", title: "predict a parameter count", expected: "2f02dd14900fc6f6", before: 760605,
      change: "32 filters in the first convolution",
    }),
  exercise3A: (predicted: unknown): CheckReport =>
    predictionReport(predicted, {
      exercise: "3.A", title: "label rows for two yes/no outputs", what: "the rows for Rick only, Morty only, both, neither (Rick first, Morty second)",
      truth: "e2ab8955c9748325", list: true,
      slips: [
        { value: [0, 1, 1, 0, 1, 1, 0, 0], hint: "Rick and Morty are swapped: the first output is Rick" },
        { value: [1, 0, 0, 1, 0.5, 0.5, 0, 0], hint: "each output answers its own yes/no question, so a frame with both is yes twice, not half each" },
        { value: [1, 0, 0, 1, 1, 1, 1, 1], hint: "'neither' is no twice" },
      ],
    }),
  exercise4A: (predicted: unknown): CheckReport =>
    predictionReport(predicted, {
      exercise: "4.A", title: "predict a feature map's size", what: "the shape of one frame's output of layer 2 (the second convolution)",
      truth: "6c0c0da21efe4df3", list: true,
      slips: [
        { value: [43, 78, 20], hint: "that is the first pooling's output, the input of layer 2: its 5 × 5 filters still trim 4 pixels" },
        { value: [41, 76, 20], hint: "an unpadded 5 × 5 convolution trims 4 pixels, two on each side" },
        { value: [39, 74, 64], hint: "the second convolution has 20 filters, so 20 maps; the 64 come in the third" },
      ],
    }),
  exercise6A: (predicted: unknown): CheckReport =>
    predictionReport(predicted, {
      exercise: "6.A", title: "predict an augmented epoch", what: "the number of frames a network sees in 5 epochs over 4,001 frames in batches of 100, augmented",
      truth: "e787abc7c2bfa050",
      slips: [
        { value: 100015, hint: "augmentation does not add frames: each epoch still shows each frame once, distorted differently each time" },
        { value: 4001, hint: "that is one epoch; the network sees every frame once per epoch" },
        { value: 20500, hint: "the last batch of each epoch is a short one (1 frame), not a full 100" },
      ],
    }),
  exercise7A: (predicted: unknown): CheckReport =>
    predictionReport(predicted, {
      exercise: "7.A", title: "predict the size of the code", what: "the number of values in one frame's code with 32 filters in the third convolution",
      truth: "d6044e976d0ab6d1",
      slips: [
        { value: 738816, hint: "that is the code with the chapter's 64 filters" },
        { value: 460800, hint: "each unpadded 5 × 5 convolution trims 4 pixels: 90 × 160 shrinks to 78 × 148 after three" },
        { value: 430592, hint: "the third convolution's output is 78 × 148, the one before is 82 × 152" },
      ],
    }),
  exercise8A: (predicted: unknown, model: unknown): CheckReport =>
    parameterCountReport(predicted, model, {
      exercise: "8.A", title: "predict a parameter count", expected: "9eef35c7620d752c", before: 331331,
      change: "64 units in each of the two dense hidden layers",
    }),
  exercise9A: (predicted: unknown): CheckReport =>
    predictionReport(predicted, {
      exercise: "9.A", title: "padding and shapes", what: "the number of values flatten hands on when every convolution has padding \"same\"",
      truth: "94ae4bb5006dc3ee",
      slips: [
        { value: 576, hint: "that is with the chapter's unpadded convolutions; with \"same\" only the poolings shrink the maps" },
        { value: 12544, hint: "there are two poolings: 28 → 14 → 7" },
        { value: 49, hint: "flatten hands on every map: 7 × 7 values times 64 maps" },
      ],
    }),
  exercise10A: (predicted: unknown, model: unknown): CheckReport =>
    parameterCountReport(predicted, model, {
      exercise: "10.A", title: "predict a parameter count", expected: "769b5b466f780fa0", before: 101770,
      change: "a hidden layer of 64 units instead of 128",
    }),
};

export const check = {
  exercise2_1: (model: unknown, history?: unknown): void => show(exercise2_1Report(model, history)),
  exercise2_2: (drop: unknown, args: Exercise2_2Args): void => show(exercise2_2Report(drop, args)),
  exercise2_3: (flows: unknown, model?: unknown, history?: unknown): void => show(exercise2_3Report(flows, model, history)),
  exercise2_4: (denoiser: unknown, frames: Exercise2_4Frames): void => show(exercise2_4Report(denoiser, frames)),
  exercise4B: (index: unknown, cam: unknown, args: Exercise4BArgs): void => show(exercise4BReport(index, cam, args)),
  exercise5A: (planted: unknown, args: Exercise5AArgs): void => show(exercise5AReport(planted, args)),
  exercise1A: (predicted: unknown, model: unknown): void => show(practiceReports.exercise1A(predicted, model)),
  exercise2A: (predicted: unknown, model: unknown): void => show(practiceReports.exercise2A(predicted, model)),
  exercise3A: (predicted: unknown): void => show(practiceReports.exercise3A(predicted)),
  exercise4A: (predicted: unknown): void => show(practiceReports.exercise4A(predicted)),
  exercise6A: (predicted: unknown): void => show(practiceReports.exercise6A(predicted)),
  exercise7A: (predicted: unknown): void => show(practiceReports.exercise7A(predicted)),
  exercise8A: (predicted: unknown, model: unknown): void => show(practiceReports.exercise8A(predicted, model)),
  exercise9A: (predicted: unknown): void => show(practiceReports.exercise9A(predicted)),
  exercise10A: (predicted: unknown, model: unknown): void => show(practiceReports.exercise10A(predicted, model)),
};
