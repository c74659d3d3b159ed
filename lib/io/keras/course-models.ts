/**
 * The models the course itself trained and shipped (densemodel.h5, modelCNN.h5, modelAE.h5, ...
 * under data/RickandMorty/data/models/ of its repository). A chapter that reloads a saved model
 * asks for the course's file first: when the user has the course's data folder, the chapter shows
 * the course's own network; otherwise it goes on with the one trained here.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { loadKerasModel } from "./load";

/** Where the course keeps its trained models, inside its Rick and Morty data folder. */
export function courseModelPath(dataRoot: string, fileName: string): string {
  return path.join(dataRoot, "data", "models", fileName);
}

export interface CourseModel {
  model: tf.LayersModel;
  /** The file it came from. */
  file: string;
  /** The one line printed about it. */
  message: string;
}

export interface LoadCourseModelOptions {
  /** Do not print the line saying which model is used. */
  quiet?: boolean;
  /** Throw when the file is there but cannot be loaded (default: say why and return null). */
  strict?: boolean;
  /**
   * Use the course's file only when it holds this network: the same weight shapes, layer after layer
   * (layers without weights, such as a Flatten on a flat input, do not count). Otherwise say what the
   * file holds and return null. The course saved several networks under one name (densemodel.h5 is
   * chapter 1's gap network), so a chapter tells them apart by architecture.
   */
  like?: tf.LayersModel;
}

/** The shapes of a model's weights in order, as "1x10 10 10x20 ...": its architecture for matching. */
export function weightShapes(model: tf.LayersModel): string {
  return model.weights.map((w) => w.shape.join("x")).join(" ");
}

/**
 * The course's own trained model `fileName` from the course's data folder `dataRoot` (the folder
 * holding altdata/ and data/, e.g. `dl.rickMortyRoot()`), loaded from its Keras .h5 file; or null
 * when the file is not there. Prints one line either way, so the chapter's output says which
 * network the following cells use.
 */
export async function loadCourseModel(dataRoot: string, fileName: string, options: LoadCourseModelOptions = {}): Promise<CourseModel | null> {
  const file = courseModelPath(dataRoot, fileName);
  const say = (line: string) => {
    if (!options.quiet) console.log(line);
  };
  if (!fs.existsSync(file)) {
    say(`No ${fileName} from the course in ${path.dirname(file)}: using the model trained in this notebook.`);
    return null;
  }
  try {
    const model = await loadKerasModel(file);
    const layers = model.layers.map((l) => l.getClassName()).join(" → ");
    if (options.like !== undefined && weightShapes(model) !== weightShapes(options.like)) {
      say(
        `The course's ${fileName} holds another network (${layers}, ${model.countParams().toLocaleString("en-US")} parameters) ` +
          `than this one (${options.like.countParams().toLocaleString("en-US")} parameters): using the model trained in this notebook.`,
      );
      model.dispose();
      return null;
    }
    const message =
      `Using the course's own ${fileName} (${file}): ${layers}, ${model.countParams().toLocaleString("en-US")} parameters, ` +
      `as the course trained it in R keras, in place of the one trained in this notebook.`;
    say(message);
    return { model, file, message };
  } catch (e) {
    if (options.strict) throw e;
    say(`The course's ${file} is there but cannot be used here (${(e as Error).message}); using the model trained in this notebook.`);
    return null;
  }
}
