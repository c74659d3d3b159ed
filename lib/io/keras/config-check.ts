/**
 * The outline of a Keras model config checked before any layer is built: a damaged or hand-edited
 * config (a layer without `class_name` or `config`, a name that is a number) then fails with a
 * sentence that names the file and the layer, not with a TypeError from deep inside the translation.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

function fail(source: string, what: string): never {
  throw new Error(`${source}: the model config is damaged: ${what}`);
}

/** Throws, naming `source`, unless `config` has the outline of a Keras Sequential or functional model. */
export function checkKerasConfigOutline(config: unknown, source: string): void {
  if (!isObject(config)) fail(source, "it is not a JSON object");
  if (typeof config.class_name !== "string") fail(source, "it has no class_name saying what kind of model it is");
  const inner = config.config;
  const layers = Array.isArray(inner) ? inner : isObject(inner) ? inner.layers : undefined;
  if (!Array.isArray(layers)) fail(source, "it has no list of layers");
  if (isObject(inner) && inner.name !== undefined && inner.name !== null && typeof inner.name !== "string") {
    fail(source, `the model's name is ${JSON.stringify(inner.name)}, not a string`);
  }
  layers.forEach((layer, i) => {
    const where = `layer ${i + 1}`;
    if (!isObject(layer)) fail(source, `${where} is ${JSON.stringify(layer)}, not a layer entry`);
    if (typeof layer.class_name !== "string" || layer.class_name === "") fail(source, `${where} has no class_name`);
    const named = `${where} (${layer.class_name})`;
    if (!isObject(layer.config)) fail(source, `${named} has no config object`);
    for (const n of [layer.name, layer.config.name]) {
      if (n !== undefined && n !== null && typeof n !== "string") fail(source, `${named} has a name that is not a string (${JSON.stringify(n)})`);
    }
    if (layer.inbound_nodes !== undefined && !Array.isArray(layer.inbound_nodes)) fail(source, `${named}: inbound_nodes is not a list`);
  });
}
