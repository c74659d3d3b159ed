// The compiled-fit addon: a thin N-API wrapper over TensorFlow's graph C API. The graph itself (the
// layers, the loss, the optimizer updates) is built in TypeScript (lib/training/compiled-graph.ts);
// this file only passes the calls through:
//   newGraph()                                      -> Graph
//   addOp(graph, type, name, inputs, attrs, deps?)  -> Op        (TF_NewOperation .. TF_FinishOperation)
//   addGradients(graph, prefix, ys, xs)             -> Output[]  (TF_AddGradientsWithPrefix)
//   newSession(graph, config?)                      -> Session   (TF_NewSession: grappler runs here)
//   run(session, feeds, feedValues, fetches, targets) -> Value[] (TF_SessionRun: one call per batch)
//   runAsync(...same)                               -> Promise<Value[]> (TF_SessionRun on a worker thread,
//                                                      so timers and signal handlers run during a batch)
//   closeSession(session)
// An Output is {op, index}; a Value is {dtype, shape, data} with data a Float32Array or Int32Array.
// Graphs and sessions are freed when JavaScript collects them (TensorFlow keeps a graph alive while a
// session uses it); closeSession frees a session's variables at once.
#include <node_api.h>

#include <cstring>
#include <malloc.h>
#include <string>
#include <vector>

#include "tensorflow/c/c_api.h"

namespace {

#define CHECK_NAPI(env, call)                                       \
  do {                                                              \
    if ((call) != napi_ok) {                                        \
      napi_throw_error((env), nullptr, "graph_addon: " #call " failed"); \
      return nullptr;                                               \
    }                                                               \
  } while (0)

// Thrown as a C++ exception inside a call and turned into a JavaScript Error at its edge.
struct JsError {
  std::string message;
};

void Ok(napi_status s, const char* what) {
  if (s != napi_ok) throw JsError{std::string("graph_addon: bad argument (") + what + ")"};
}

void TfOk(TF_Status* st, const std::string& what) {
  if (TF_GetCode(st) != TF_OK) throw JsError{what + ": " + TF_Message(st)};
}

struct StatusHolder {
  TF_Status* s = TF_NewStatus();
  ~StatusHolder() { TF_DeleteStatus(s); }
};

std::vector<napi_value> Args(napi_env env, napi_callback_info info, size_t want) {
  std::vector<napi_value> argv(want);
  size_t argc = want;
  Ok(napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr), "arguments");
  if (argc < want) argv.resize(argc);
  return argv;
}

void* External(napi_env env, napi_value v, const char* what) {
  void* p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == nullptr) throw JsError{std::string("graph_addon: expected a ") + what};
  return p;
}

std::string String(napi_env env, napi_value v) {
  size_t n = 0;
  Ok(napi_get_value_string_utf8(env, v, nullptr, 0, &n), "string");
  std::string s(n, '\0');
  Ok(napi_get_value_string_utf8(env, v, &s[0], n + 1, &n), "string");
  return s;
}

double Number(napi_env env, napi_value v) {
  double d = 0;
  Ok(napi_get_value_double(env, v, &d), "number");
  return d;
}

napi_value Get(napi_env env, napi_value obj, const char* key) {
  napi_value v;
  Ok(napi_get_named_property(env, obj, key, &v), key);
  return v;
}

uint32_t Length(napi_env env, napi_value arr) {
  uint32_t n = 0;
  Ok(napi_get_array_length(env, arr, &n), "array");
  return n;
}

napi_value At(napi_env env, napi_value arr, uint32_t i) {
  napi_value v;
  Ok(napi_get_element(env, arr, i, &v), "array element");
  return v;
}

bool IsArray(napi_env env, napi_value v) {
  bool a = false;
  napi_is_array(env, v, &a);
  return a;
}

std::vector<int64_t> Ints(napi_env env, napi_value arr) {
  std::vector<int64_t> out(Length(env, arr));
  for (uint32_t i = 0; i < out.size(); i++) out[i] = static_cast<int64_t>(Number(env, At(env, arr, i)));
  return out;
}

TF_Output ToOutput(napi_env env, napi_value v) {
  TF_Output o;
  o.oper = static_cast<TF_Operation*>(External(env, Get(env, v, "op"), "graph operation"));
  o.index = static_cast<int>(Number(env, Get(env, v, "index")));
  return o;
}

std::vector<TF_Output> ToOutputs(napi_env env, napi_value arr) {
  std::vector<TF_Output> out;
  for (uint32_t i = 0, n = Length(env, arr); i < n; i++) out.push_back(ToOutput(env, At(env, arr, i)));
  return out;
}

napi_value FromOutput(napi_env env, TF_Output o) {
  napi_value obj, op, index;
  Ok(napi_create_object(env, &obj), "object");
  Ok(napi_create_external(env, o.oper, nullptr, nullptr, &op), "external");
  Ok(napi_create_int32(env, o.index, &index), "int");
  Ok(napi_set_named_property(env, obj, "op", op), "op");
  Ok(napi_set_named_property(env, obj, "index", index), "index");
  return obj;
}

size_t DtypeSize(TF_DataType t) {
  switch (t) {
    case TF_FLOAT: case TF_INT32: return 4;
    case TF_INT64: case TF_DOUBLE: return 8;
    case TF_BOOL: case TF_UINT8: return 1;
    default: throw JsError{"graph_addon: unsupported dtype " + std::to_string(t)};
  }
}

// {dtype, shape, data} -> a new TF_Tensor holding a copy of data.
TF_Tensor* ToTensor(napi_env env, napi_value v) {
  auto dtype = static_cast<TF_DataType>(Number(env, Get(env, v, "dtype")));
  std::vector<int64_t> shape = Ints(env, Get(env, v, "shape"));
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d);
  size_t bytes = count * DtypeSize(dtype);
  napi_typedarray_type kind;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value buffer;
  Ok(napi_get_typedarray_info(env, Get(env, v, "data"), &kind, &length, &data, &buffer, &offset), "data must be a typed array");
  size_t have = length * (kind == napi_uint8_array || kind == napi_int8_array ? 1 : kind == napi_float64_array ? 8 : 4);
  if (have != bytes) throw JsError{"graph_addon: data holds " + std::to_string(have) + " bytes, the shape needs " + std::to_string(bytes)};
  TF_Tensor* t = TF_AllocateTensor(dtype, shape.data(), static_cast<int>(shape.size()), bytes);
  if (bytes > 0) std::memcpy(TF_TensorData(t), data, bytes);
  return t;
}

// A TF_Tensor -> {dtype, shape, data} (data copied into a new Float32Array / Int32Array / Uint8Array).
napi_value FromTensor(napi_env env, TF_Tensor* t) {
  TF_DataType dtype = TF_TensorType(t);
  size_t bytes = TF_TensorByteSize(t);
  napi_value obj, shape, data, buffer, dt;
  Ok(napi_create_object(env, &obj), "object");
  int nd = TF_NumDims(t);
  Ok(napi_create_array_with_length(env, nd, &shape), "array");
  for (int i = 0; i < nd; i++) {
    napi_value d;
    Ok(napi_create_double(env, static_cast<double>(TF_Dim(t, i)), &d), "dim");
    Ok(napi_set_element(env, shape, i, d), "dim");
  }
  void* dst = nullptr;
  Ok(napi_create_arraybuffer(env, bytes, &dst, &buffer), "arraybuffer");
  if (bytes > 0) std::memcpy(dst, TF_TensorData(t), bytes);
  napi_typedarray_type kind = dtype == TF_FLOAT ? napi_float32_array : dtype == TF_INT32 ? napi_int32_array : napi_uint8_array;
  size_t elem = dtype == TF_FLOAT || dtype == TF_INT32 ? 4 : 1;
  Ok(napi_create_typedarray(env, kind, bytes / elem, buffer, 0, &data), "typedarray");
  Ok(napi_create_int32(env, dtype, &dt), "dtype");
  Ok(napi_set_named_property(env, obj, "dtype", dt), "dtype");
  Ok(napi_set_named_property(env, obj, "shape", shape), "shape");
  Ok(napi_set_named_property(env, obj, "data", data), "data");
  return obj;
}

// One attribute: {type: "type"|"int"|"float"|"bool"|"string"|"shape"|"ints"|"tensor", value}.
void SetAttr(napi_env env, TF_OperationDescription* d, const std::string& key, napi_value spec, TF_Status* st) {
  std::string type = String(env, Get(env, spec, "type"));
  napi_value v = Get(env, spec, "value");
  const char* k = key.c_str();
  if (type == "type") TF_SetAttrType(d, k, static_cast<TF_DataType>(Number(env, v)));
  else if (type == "int") TF_SetAttrInt(d, k, static_cast<int64_t>(Number(env, v)));
  else if (type == "float") TF_SetAttrFloat(d, k, static_cast<float>(Number(env, v)));
  else if (type == "bool") {
    bool b = false;
    Ok(napi_get_value_bool(env, v, &b), "bool attribute");
    TF_SetAttrBool(d, k, b ? 1 : 0);
  } else if (type == "string") {
    std::string s = String(env, v);
    TF_SetAttrString(d, k, s.data(), s.size());
  } else if (type == "shape") {
    std::vector<int64_t> dims = Ints(env, v);
    TF_SetAttrShape(d, k, dims.data(), static_cast<int>(dims.size()));
  } else if (type == "ints") {
    std::vector<int64_t> xs = Ints(env, v);
    TF_SetAttrIntList(d, k, xs.data(), static_cast<int>(xs.size()));
  } else if (type == "tensor") {
    TF_Tensor* t = ToTensor(env, v);
    TF_SetAttrTensor(d, k, t, st);
    TF_DeleteTensor(t);
    TfOk(st, "attribute " + key);
  } else {
    throw JsError{"graph_addon: unknown attribute type '" + type + "' for " + key};
  }
}

template <typename F>
napi_value Guard(napi_env env, F body) {
  try {
    return body();
  } catch (const JsError& e) {
    napi_throw_error(env, nullptr, e.message.c_str());
    return nullptr;
  }
}

void DeleteGraph(napi_env, void* data, void*) { TF_DeleteGraph(static_cast<TF_Graph*>(data)); }

// A session and whether closeSession already freed it (the finalizer must not free it twice).
struct SessionBox {
  TF_Session* session = nullptr;
  int running = 0;  // async runs in flight: closing now would free the session under them
};

void CloseBox(SessionBox* box) {
  if (box->session == nullptr) return;
  StatusHolder st;
  TF_CloseSession(box->session, st.s);
  TF_DeleteSession(box->session, st.s);
  box->session = nullptr;
}

void DeleteSession(napi_env, void* data, void*) {
  auto* box = static_cast<SessionBox*>(data);
  CloseBox(box);
  delete box;
}

napi_value NewGraph(napi_env env, napi_callback_info) {
  return Guard(env, [&] {
    napi_value out;
    Ok(napi_create_external(env, TF_NewGraph(), DeleteGraph, nullptr, &out), "external");
    return out;
  });
}

napi_value AddOp(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    auto a = Args(env, info, 6);
    if (a.size() < 5) throw JsError{"addOp(graph, type, name, inputs, attrs, controlInputs?)"};
    auto* g = static_cast<TF_Graph*>(External(env, a[0], "graph"));
    std::string type = String(env, a[1]), name = String(env, a[2]);
    StatusHolder st;
    TF_OperationDescription* d = TF_NewOperation(g, type.c_str(), name.c_str());
    try {
      for (uint32_t i = 0, n = Length(env, a[3]); i < n; i++) {
        napi_value in = At(env, a[3], i);
        if (IsArray(env, in)) {
          std::vector<TF_Output> list = ToOutputs(env, in);
          TF_AddInputList(d, list.data(), static_cast<int>(list.size()));
        } else {
          TF_AddInput(d, ToOutput(env, in));
        }
      }
      napi_value keys;
      Ok(napi_get_property_names(env, a[4], &keys), "attrs");
      for (uint32_t i = 0, n = Length(env, keys); i < n; i++) {
        napi_value key = At(env, keys, i);
        napi_value spec;
        Ok(napi_get_property(env, a[4], key, &spec), "attr");
        SetAttr(env, d, String(env, key), spec, st.s);
      }
      if (a.size() > 5) {
        napi_valuetype t;
        napi_typeof(env, a[5], &t);
        if (t == napi_object)
          for (uint32_t i = 0, n = Length(env, a[5]); i < n; i++)
            TF_AddControlInput(d, static_cast<TF_Operation*>(External(env, At(env, a[5], i), "control input")));
      }
    } catch (...) {
      // A description must be finished to be freed; finishing a half-built one fails harmlessly.
      TF_FinishOperation(d, st.s);
      throw;
    }
    TF_Operation* op = TF_FinishOperation(d, st.s);
    TfOk(st.s, type + " '" + name + "'");
    napi_value out;
    Ok(napi_create_external(env, op, nullptr, nullptr, &out), "external");
    return out;
  });
}

napi_value AddGradients(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    auto a = Args(env, info, 4);
    if (a.size() < 4) throw JsError{"addGradients(graph, prefix, ys, xs)"};
    auto* g = static_cast<TF_Graph*>(External(env, a[0], "graph"));
    std::string prefix = String(env, a[1]);
    std::vector<TF_Output> ys = ToOutputs(env, a[2]), xs = ToOutputs(env, a[3]);
    std::vector<TF_Output> dx(xs.size());
    StatusHolder st;
    TF_AddGradientsWithPrefix(g, prefix.c_str(), ys.data(), static_cast<int>(ys.size()), xs.data(), static_cast<int>(xs.size()),
                              nullptr, st.s, dx.data());
    TfOk(st.s, "gradients");
    napi_value out;
    Ok(napi_create_array_with_length(env, dx.size(), &out), "array");
    for (size_t i = 0; i < dx.size(); i++) Ok(napi_set_element(env, out, i, FromOutput(env, dx[i])), "array");
    return out;
  });
}

napi_value NewSession(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    auto a = Args(env, info, 2);
    if (a.empty()) throw JsError{"newSession(graph, config?)"};
    auto* g = static_cast<TF_Graph*>(External(env, a[0], "graph"));
    StatusHolder st;
    TF_SessionOptions* opts = TF_NewSessionOptions();
    if (a.size() > 1) {
      napi_valuetype t;
      napi_typeof(env, a[1], &t);
      if (t == napi_object) {  // a serialized ConfigProto
        void* data = nullptr;
        size_t len = 0;
        napi_typedarray_type kind;
        napi_value buf;
        size_t off;
        Ok(napi_get_typedarray_info(env, a[1], &kind, &len, &data, &buf, &off), "config must be a Uint8Array");
        TF_SetConfig(opts, data, len, st.s);
        if (TF_GetCode(st.s) != TF_OK) TF_DeleteSessionOptions(opts);
        TfOk(st.s, "session config");
      }
    }
    TF_Session* s = TF_NewSession(g, opts, st.s);
    TF_DeleteSessionOptions(opts);
    TfOk(st.s, "new session");
    auto* box = new SessionBox{s};
    napi_value out;
    Ok(napi_create_external(env, box, DeleteSession, nullptr, &out), "external");
    return out;
  });
}

napi_value CloseSession(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    auto a = Args(env, info, 1);
    if (a.empty()) throw JsError{"closeSession(session)"};
    auto* box = static_cast<SessionBox*>(External(env, a[0], "session"));
    if (box->running > 0) throw JsError{"graph_addon: the session is still running a step (await it first)"};
    CloseBox(box);
    napi_value undef;
    napi_get_undefined(env, &undef);
    return undef;
  });
}

// One TF_SessionRun call: its inputs converted on the JavaScript thread, its outputs converted back there.
struct RunCall {
  SessionBox* box = nullptr;
  napi_ref box_ref = nullptr;  // keeps the session's JavaScript handle alive during an async run
  std::vector<TF_Output> feeds, fetches;
  std::vector<TF_Tensor*> values, results;
  std::vector<TF_Operation*> targets;
  TF_Status* status = TF_NewStatus();
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;

  ~RunCall() {
    for (TF_Tensor* t : values) TF_DeleteTensor(t);
    for (TF_Tensor* t : results) if (t) TF_DeleteTensor(t);
    TF_DeleteStatus(status);
  }

  void Execute() {
    TF_SessionRun(box->session, nullptr, feeds.data(), values.data(), static_cast<int>(feeds.size()), fetches.data(), results.data(),
                  static_cast<int>(fetches.size()), targets.data(), static_cast<int>(targets.size()), nullptr, status);
  }

  napi_value Results(napi_env env) {
    TfOk(status, "run");
    napi_value out;
    Ok(napi_create_array_with_length(env, results.size(), &out), "array");
    for (size_t i = 0; i < results.size(); i++) Ok(napi_set_element(env, out, i, FromTensor(env, results[i])), "array");
    return out;
  }
};

// Reads run's five arguments into a RunCall (throws JsError on bad input; the RunCall frees what it holds).
void ReadRunArgs(napi_env env, napi_callback_info info, RunCall* call) {
  auto a = Args(env, info, 5);
  if (a.size() < 5) throw JsError{"run(session, feeds, feedValues, fetches, targets)"};
  call->box = static_cast<SessionBox*>(External(env, a[0], "session"));
  if (call->box->session == nullptr) throw JsError{"graph_addon: the session is closed"};
  call->feeds = ToOutputs(env, a[1]);
  call->fetches = ToOutputs(env, a[3]);
  if (Length(env, a[2]) != call->feeds.size()) throw JsError{"graph_addon: feeds and feedValues differ in length"};
  for (uint32_t i = 0; i < call->feeds.size(); i++) call->values.push_back(ToTensor(env, At(env, a[2], i)));
  call->results.assign(call->fetches.size(), nullptr);
  for (uint32_t i = 0, n = Length(env, a[4]); i < n; i++)
    call->targets.push_back(static_cast<TF_Operation*>(External(env, At(env, a[4], i), "target operation")));
  Ok(napi_create_reference(env, a[0], 1, &call->box_ref), "reference");
}

napi_value Run(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    RunCall call;
    try {
      ReadRunArgs(env, info, &call);
      call.Execute();
      napi_value out = call.Results(env);
      napi_delete_reference(env, call.box_ref);
      return out;
    } catch (...) {
      if (call.box_ref) napi_delete_reference(env, call.box_ref);
      throw;
    }
  });
}

void ExecuteAsync(napi_env, void* data) { static_cast<RunCall*>(data)->Execute(); }

void CompleteAsync(napi_env env, napi_status, void* data) {
  auto* call = static_cast<RunCall*>(data);
  call->box->running--;
  napi_value out = nullptr;
  std::string error;
  try {
    out = call->Results(env);
  } catch (const JsError& e) {
    error = e.message;
  }
  if (error.empty()) {
    napi_resolve_deferred(env, call->deferred, out);
  } else {
    napi_value msg, err;
    napi_create_string_utf8(env, error.c_str(), error.size(), &msg);
    napi_create_error(env, nullptr, msg, &err);
    napi_reject_deferred(env, call->deferred, err);
  }
  napi_delete_reference(env, call->box_ref);
  napi_delete_async_work(env, call->work);
  delete call;
}

napi_value RunAsync(napi_env env, napi_callback_info info) {
  return Guard(env, [&]() -> napi_value {
    auto* call = new RunCall();
    napi_value promise, name;
    try {
      ReadRunArgs(env, info, call);
      Ok(napi_create_promise(env, &call->deferred, &promise), "promise");
      Ok(napi_create_string_utf8(env, "graph_addon.runAsync", NAPI_AUTO_LENGTH, &name), "name");
      Ok(napi_create_async_work(env, nullptr, name, ExecuteAsync, CompleteAsync, call, &call->work), "async work");
      Ok(napi_queue_async_work(env, call->work), "queue");
      call->box->running++;
    } catch (...) {
      if (call->box_ref) napi_delete_reference(env, call->box_ref);
      delete call;
      throw;
    }
    return promise;
  });
}

// Gives the heap's free pages back to the system (glibc's malloc_trim). Training frees hundreds of MB
// of activations per step into glibc's heap, which keeps them; trimming after a fit lets the next
// cell start from what is really in use. Returns whether any memory was released.
napi_value TrimMemory(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, malloc_trim(0) != 0, &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"newGraph", nullptr, NewGraph, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addOp", nullptr, AddOp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addGradients", nullptr, AddGradients, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"newSession", nullptr, NewSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeSession", nullptr, CloseSession, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"trimMemory", nullptr, TrimMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"runAsync", nullptr, RunAsync, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  CHECK_NAPI(env, napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
