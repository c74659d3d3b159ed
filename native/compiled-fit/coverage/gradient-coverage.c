/* Which ops can TF_AddGradientsWithPrefix differentiate (the C++ gradient registry of the pip wheel)? */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "tensorflow/c/c_api.h"

static TF_Status *st;
static int ctr = 0;
static TF_Output ph(TF_Graph *g, const int64_t *dims, int nd, TF_DataType t) {
  char n[32]; sprintf(n, "ph%d", ctr++);
  TF_OperationDescription *d = TF_NewOperation(g, "Placeholder", n);
  TF_SetAttrType(d, "dtype", t);
  TF_SetAttrShape(d, "shape", dims, nd);
  TF_Operation *o = TF_FinishOperation(d, st);
  return (TF_Output){o, 0};
}
static TF_Output cint(TF_Graph *g, const int32_t *v, int n) {
  char nm[32]; sprintf(nm, "c%d", ctr++);
  int64_t dims[1] = {n};
  TF_Tensor *t = TF_AllocateTensor(TF_INT32, dims, 1, 4 * n);
  memcpy(TF_TensorData(t), v, 4 * n);
  TF_OperationDescription *d = TF_NewOperation(g, "Const", nm);
  TF_SetAttrTensor(d, "value", t, st);
  TF_SetAttrType(d, "dtype", TF_INT32);
  TF_Operation *o = TF_FinishOperation(d, st);
  TF_DeleteTensor(t);
  return (TF_Output){o, 0};
}
static TF_Output cint0(TF_Graph *g, int32_t v) {
  char nm[32]; sprintf(nm, "c%d", ctr++);
  TF_Tensor *t = TF_AllocateTensor(TF_INT32, NULL, 0, 4);
  *(int32_t *)TF_TensorData(t) = v;
  TF_OperationDescription *d = TF_NewOperation(g, "Const", nm);
  TF_SetAttrTensor(d, "value", t, st);
  TF_SetAttrType(d, "dtype", TF_INT32);
  TF_Operation *o = TF_FinishOperation(d, st);
  TF_DeleteTensor(t);
  return (TF_Output){o, 0};
}
static TF_Output cfloat0(TF_Graph *g, float v) {
  char nm[32]; sprintf(nm, "c%d", ctr++);
  TF_Tensor *t = TF_AllocateTensor(TF_FLOAT, NULL, 0, 4);
  *(float *)TF_TensorData(t) = v;
  TF_OperationDescription *d = TF_NewOperation(g, "Const", nm);
  TF_SetAttrTensor(d, "value", t, st);
  TF_SetAttrType(d, "dtype", TF_FLOAT);
  TF_Operation *o = TF_FinishOperation(d, st);
  TF_DeleteTensor(t);
  return (TF_Output){o, 0};
}

typedef struct { const char *key; int kind; int64_t ints[4]; int nints; const char *s; float f; } Attr;
enum { A_NONE, A_INTS, A_STR, A_INT, A_FLOAT, A_BOOL, A_TYPE };

/* Build `type` over inputs; differentiate sum(output out_index) w.r.t. the first `nx` inputs. */
static void check(const char *label, const char *type, TF_Output *in, int nin, int nx, Attr *attrs, int out_index, int list_input) {
  TF_Graph *g = TF_NewGraph();
  (void)g;
}

static const char *try_grad(TF_Graph *g, TF_Output y, TF_Output *xs, int nx) {
  TF_Output dy[8];
  TF_AddGradientsWithPrefix(g, "grad", &y, 1, xs, nx, NULL, st, dy);
  if (TF_GetCode(st) != TF_OK) { static char m[400]; snprintf(m, sizeof m, "NO: %s", TF_Message(st)); char *nl = strchr(m, '\n'); if (nl) *nl = 0; return m; }
  return "yes";
}

static TF_Operation *mk(TF_Graph *g, const char *type, TF_Output *in, int nin, int list_from, Attr *attrs) {
  char nm[32]; sprintf(nm, "op%d", ctr++);
  TF_OperationDescription *d = TF_NewOperation(g, type, nm);
  if (list_from >= 0) {
    for (int i = 0; i < list_from; i++) TF_AddInput(d, in[i]);
    TF_AddInputList(d, in + list_from, nin - list_from - 1);
    TF_AddInput(d, in[nin - 1]);
  } else for (int i = 0; i < nin; i++) TF_AddInput(d, in[i]);
  for (Attr *a = attrs; a && a->key; a++) {
    if (a->kind == A_INTS) TF_SetAttrIntList(d, a->key, a->ints, a->nints);
    if (a->kind == A_STR) TF_SetAttrString(d, a->key, a->s, strlen(a->s));
    if (a->kind == A_INT) TF_SetAttrInt(d, a->key, a->ints[0]);
    if (a->kind == A_FLOAT) TF_SetAttrFloat(d, a->key, a->f);
    if (a->kind == A_BOOL) TF_SetAttrBool(d, a->key, (unsigned char)a->ints[0]);
    if (a->kind == A_TYPE) TF_SetAttrType(d, a->key, (TF_DataType)a->ints[0]);
  }
  TF_Operation *o = TF_FinishOperation(d, st);
  if (TF_GetCode(st) != TF_OK) { printf("   (build %s failed: %s)\n", type, TF_Message(st)); return NULL; }
  return o;
}

static TF_Output sumall(TF_Graph *g, TF_Output x, int rank) {
  int32_t ax[8]; for (int i = 0; i < rank; i++) ax[i] = i;
  TF_Output in[2] = {x, cint(g, ax, rank)};
  return (TF_Output){mk(g, "Sum", in, 2, -1, NULL), 0};
}

#define ROW(label, res) printf("| %s | %s |\n", label, res)

int main(void) {
  st = TF_NewStatus();
  int64_t s2[2] = {4, 3}, s3[2] = {3, 5}, sb[1] = {3}, img[4] = {2, 8, 8, 3}, filt[4] = {3, 3, 3, 4}, s1[1] = {4};
#define G TF_Graph *g = TF_NewGraph()
#define UNARY(T) { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); TF_Operation *o = mk(g, T, &x, 1, -1, NULL); ROW(T, o ? try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1) : "op missing"); TF_DeleteGraph(g); }
#define BINARY(T) { G; TF_Output in[2] = {ph(g, s2, 2, TF_FLOAT), ph(g, s2, 2, TF_FLOAT)}; TF_Operation *o = mk(g, T, in, 2, -1, NULL); ROW(T, o ? try_grad(g, sumall(g, (TF_Output){o,0}, 2), in, 2) : "op missing"); TF_DeleteGraph(g); }
  printf("| op | gradient in the C++ registry |\n|---|---|\n");
  UNARY("Relu") UNARY("Relu6") UNARY("Elu") UNARY("Selu") UNARY("Sigmoid") UNARY("Tanh") UNARY("Softplus") UNARY("Softsign")
  UNARY("Softmax") UNARY("LogSoftmax") UNARY("Log") UNARY("Log1p") UNARY("Exp") UNARY("Neg") UNARY("Abs") UNARY("Square")
  UNARY("Sqrt") UNARY("Rsqrt") UNARY("Reciprocal") UNARY("Identity") UNARY("StopGradient")
  BINARY("AddV2") BINARY("Sub") BINARY("Mul") BINARY("RealDiv") BINARY("DivNoNan") BINARY("Maximum") BINARY("Minimum") BINARY("SquaredDifference") BINARY("Pow")
  { Attr a[] = {{"alpha", A_FLOAT, {0}, 0, 0, 0.3f}, {0}}; G; TF_Output x = ph(g, s2, 2, TF_FLOAT); TF_Operation *o = mk(g, "LeakyRelu", &x, 1, -1, a); ROW("LeakyRelu", try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output in[3] = {ph(g, s2, 2, TF_FLOAT), cfloat0(g, 0.1f), cfloat0(g, 0.9f)}; TF_Operation *o = mk(g, "ClipByValue", in, 3, -1, NULL); ROW("ClipByValue", o ? try_grad(g, sumall(g, (TF_Output){o,0}, 2), in, 1) : "op missing"); TF_DeleteGraph(g); }
  { G; TF_Output in[2] = {ph(g, s2, 2, TF_FLOAT), ph(g, s3, 2, TF_FLOAT)}; TF_Operation *o = mk(g, "MatMul", in, 2, -1, NULL); ROW("MatMul", try_grad(g, sumall(g, (TF_Output){o,0}, 2), in, 2)); TF_DeleteGraph(g); }
  { G; TF_Output in[2] = {ph(g, s2, 2, TF_FLOAT), ph(g, sb, 1, TF_FLOAT)}; TF_Operation *o = mk(g, "BiasAdd", in, 2, -1, NULL); ROW("BiasAdd", try_grad(g, sumall(g, (TF_Output){o,0}, 2), in, 2)); TF_DeleteGraph(g); }
  { Attr a[] = {{"strides", A_INTS, {1,1,1,1}, 4}, {"padding", A_STR, {0}, 0, "VALID"}, {0}};
    G; TF_Output in[2] = {ph(g, img, 4, TF_FLOAT), ph(g, filt, 4, TF_FLOAT)}; TF_Operation *o = mk(g, "Conv2D", in, 2, -1, a); ROW("Conv2D (VALID)", try_grad(g, sumall(g, (TF_Output){o,0}, 4), in, 2)); TF_DeleteGraph(g); }
  { Attr a[] = {{"strides", A_INTS, {1,1,1,1}, 4}, {"padding", A_STR, {0}, 0, "SAME"}, {0}};
    G; TF_Output in[2] = {ph(g, img, 4, TF_FLOAT), ph(g, filt, 4, TF_FLOAT)}; TF_Operation *o = mk(g, "Conv2D", in, 2, -1, a); ROW("Conv2D (SAME)", try_grad(g, sumall(g, (TF_Output){o,0}, 4), in, 2)); TF_DeleteGraph(g); }
  { Attr a[] = {{"strides", A_INTS, {1,1,1,1}, 4}, {"padding", A_STR, {0}, 0, "VALID"}, {0}};
    int64_t f2[4] = {3, 3, 4, 3};  /* [h, w, out, in] */
    G; int32_t osz[4] = {2, 10, 10, 4}; TF_Output in[3] = {cint(g, osz, 4), ph(g, f2, 4, TF_FLOAT), ph(g, img, 4, TF_FLOAT)};
    TF_Output xs[2] = {in[1], in[2]}; TF_Operation *o = mk(g, "Conv2DBackpropInput", in, 3, -1, a); ROW("Conv2DBackpropInput (transposed conv)", try_grad(g, sumall(g, (TF_Output){o,0}, 4), xs, 2)); TF_DeleteGraph(g); }
  { Attr a[] = {{"strides", A_INTS, {1,1,1,1}, 4}, {"padding", A_STR, {0}, 0, "VALID"}, {0}};
    G; int32_t fsz[4] = {3, 3, 3, 4}; int64_t dys[4] = {2, 6, 6, 4}; TF_Output in[3] = {ph(g, img, 4, TF_FLOAT), cint(g, fsz, 4), ph(g, dys, 4, TF_FLOAT)};
    TF_Output xs[2] = {in[0], in[2]}; TF_Operation *o = mk(g, "Conv2DBackpropFilter", in, 3, -1, a); ROW("Conv2DBackpropFilter", try_grad(g, sumall(g, (TF_Output){o,0}, 4), xs, 2)); TF_DeleteGraph(g); }
  { Attr a[] = {{"ksize", A_INTS, {1,2,2,1}, 4}, {"strides", A_INTS, {1,2,2,1}, 4}, {"padding", A_STR, {0}, 0, "VALID"}, {0}};
    G; TF_Output x = ph(g, img, 4, TF_FLOAT); TF_Operation *o = mk(g, "MaxPool", &x, 1, -1, a); ROW("MaxPool", try_grad(g, sumall(g, (TF_Output){o,0}, 4), &x, 1)); TF_DeleteGraph(g); }
  { Attr a[] = {{"ksize", A_INTS, {1,2,2,1}, 4}, {"strides", A_INTS, {1,2,2,1}, 4}, {"padding", A_STR, {0}, 0, "VALID"}, {0}};
    G; TF_Output x = ph(g, img, 4, TF_FLOAT); TF_Operation *o = mk(g, "AvgPool", &x, 1, -1, a); ROW("AvgPool", try_grad(g, sumall(g, (TF_Output){o,0}, 4), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, img, 4, TF_FLOAT); int32_t sz[2] = {16, 16}; TF_Output in[2] = {x, cint(g, sz, 2)}; TF_Operation *o = mk(g, "ResizeNearestNeighbor", in, 2, -1, NULL); ROW("ResizeNearestNeighbor (UpSampling2D)", try_grad(g, sumall(g, (TF_Output){o,0}, 4), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, img, 4, TF_FLOAT); int32_t sz[2] = {16, 16}; TF_Output in[2] = {x, cint(g, sz, 2)}; TF_Operation *o = mk(g, "ResizeBilinear", in, 2, -1, NULL); ROW("ResizeBilinear", try_grad(g, sumall(g, (TF_Output){o,0}, 4), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, img, 4, TF_FLOAT); int32_t sh[2] = {2, -1}; TF_Output in[2] = {x, cint(g, sh, 2)}; TF_Operation *o = mk(g, "Reshape", in, 2, -1, NULL); ROW("Reshape (Flatten)", try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); TF_Output in[2] = {x, cint0(g, 1)}; TF_Operation *o = mk(g, "ExpandDims", in, 2, -1, NULL); ROW("ExpandDims (Conv1D as Conv2D)", try_grad(g, sumall(g, (TF_Output){o,0}, 3), &x, 1)); TF_DeleteGraph(g); }
  { Attr a[] = {{"squeeze_dims", A_INTS, {1}, 1}, {0}}; int64_t sq[3] = {4, 1, 3};
    G; TF_Output x = ph(g, sq, 3, TF_FLOAT); TF_Operation *o = mk(g, "Squeeze", &x, 1, -1, a); ROW("Squeeze", try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  { Attr a[] = {{"N", A_INT, {2}, 1}, {0}}; G; TF_Output in[3] = {ph(g, s2, 2, TF_FLOAT), ph(g, s2, 2, TF_FLOAT), cint0(g, 1)}; TF_Operation *o = mk(g, "ConcatV2", in, 3, 0, a); TF_Output xs[2] = {in[0], in[1]}; ROW("ConcatV2", try_grad(g, sumall(g, (TF_Output){o,0}, 2), xs, 2)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); int32_t p[2] = {1, 0}; TF_Output in[2] = {x, cint(g, p, 2)}; TF_Operation *o = mk(g, "Transpose", in, 2, -1, NULL); ROW("Transpose", try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); int32_t ax[1] = {1}; TF_Output in[2] = {x, cint(g, ax, 1)}; TF_Operation *o = mk(g, "Mean", in, 2, -1, NULL); ROW("Mean", try_grad(g, sumall(g, (TF_Output){o,0}, 1), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); int32_t ax[1] = {1}; TF_Output in[2] = {x, cint(g, ax, 1)}; TF_Operation *o = mk(g, "Max", in, 2, -1, NULL); ROW("Max", try_grad(g, sumall(g, (TF_Output){o,0}, 1), &x, 1)); TF_DeleteGraph(g); }
  { Attr a[] = {{"DstT", A_TYPE, {TF_FLOAT}, 1}, {0}}; G; TF_Output x = ph(g, s2, 2, TF_FLOAT); TF_Operation *o = mk(g, "Cast", &x, 1, -1, a); ROW("Cast", try_grad(g, sumall(g, (TF_Output){o,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  { G; TF_Output in[3] = {ph(g, s2, 2, TF_BOOL), ph(g, s2, 2, TF_FLOAT), ph(g, s2, 2, TF_FLOAT)}; TF_Operation *o = mk(g, "SelectV2", in, 3, -1, NULL); ROW("SelectV2", try_grad(g, sumall(g, (TF_Output){o,0}, 2), in + 1, 2)); TF_DeleteGraph(g); }
  { G; TF_Output in[2] = {ph(g, s2, 2, TF_FLOAT), ph(g, s2, 2, TF_FLOAT)}; TF_Operation *o = mk(g, "SoftmaxCrossEntropyWithLogits", in, 2, -1, NULL); ROW("SoftmaxCrossEntropyWithLogits", try_grad(g, sumall(g, (TF_Output){o,0}, 1), in, 1)); TF_DeleteGraph(g); }
  { G; TF_Output x = ph(g, s2, 2, TF_FLOAT); TF_Operation *o = mk(g, "L2Loss", &x, 1, -1, NULL); TF_Output y = {o, 0}; ROW("L2Loss", try_grad(g, y, &x, 1)); TF_DeleteGraph(g); }
  { G; int64_t e[2] = {10, 3}, ids[1] = {4}; TF_Output in[3] = {ph(g, e, 2, TF_FLOAT), ph(g, ids, 1, TF_INT32), cint0(g, 0)}; TF_Operation *o = mk(g, "GatherV2", in, 3, -1, NULL); ROW("GatherV2 (Embedding)", try_grad(g, sumall(g, (TF_Output){o,0}, 2), in, 1)); TF_DeleteGraph(g); }
  { Attr a[] = {{"is_training", A_BOOL, {1}, 1}, {"U", A_TYPE, {TF_FLOAT}, 1}, {0}};
    G; TF_Output in[5] = {ph(g, img, 4, TF_FLOAT), ph(g, sb, 1, TF_FLOAT), ph(g, sb, 1, TF_FLOAT), ph(g, sb, 1, TF_FLOAT), ph(g, sb, 1, TF_FLOAT)};
    TF_Operation *o = mk(g, "FusedBatchNormV3", in, 5, -1, a); ROW("FusedBatchNormV3 (training)", o ? try_grad(g, sumall(g, (TF_Output){o,0}, 4), in, 3) : "op missing"); TF_DeleteGraph(g); }
  /* Dropout: RandomUniform feeds a mask; differentiate through the mask multiply. */
  { Attr a[] = {{"dtype", A_TYPE, {TF_FLOAT}, 1}, {"seed", A_INT, {1}, 1}, {"seed2", A_INT, {2}, 1}, {0}};
    G; TF_Output x = ph(g, s2, 2, TF_FLOAT); int32_t sh[2] = {4, 3}; TF_Output shp = cint(g, sh, 2);
    TF_Operation *r = mk(g, "RandomUniform", &shp, 1, -1, a);
    TF_Output gi[2] = {(TF_Output){r, 0}, cfloat0(g, 0.3f)}; TF_Operation *ge = mk(g, "GreaterEqual", gi, 2, -1, NULL);
    Attr ca[] = {{"DstT", A_TYPE, {TF_FLOAT}, 1}, {0}}; TF_Output geo = {ge, 0}; TF_Operation *c = mk(g, "Cast", &geo, 1, -1, ca);
    TF_Output mi[2] = {x, (TF_Output){c, 0}}; TF_Operation *m = mk(g, "Mul", mi, 2, -1, NULL);
    ROW("Dropout (RandomUniform + GreaterEqual + Cast + Mul)", try_grad(g, sumall(g, (TF_Output){m,0}, 2), &x, 1)); TF_DeleteGraph(g); }
  /* Optimizer update ops: no gradient needed; they must exist in the op registry. */
  const char *upd[] = {"ResourceApplyAdam", "ResourceApplyRMSProp", "ResourceApplyMomentum", "ResourceApplyGradientDescent", "ResourceApplyKerasMomentum", "VarHandleOp", "ReadVariableOp", "AssignVariableOp", "StatelessRandomUniformV2", "RandomUniform", NULL};
  TF_Buffer *all = TF_GetAllOpList();
  for (const char **u = upd; *u; u++) {
    int found = 0; size_t L = strlen(*u);
    const char *d = all->data; size_t n = all->length;
    for (size_t i = 0; i + L + 2 < n; i++) if (d[i] == 0x0a && memcmp(d + i + 2, *u, L) == 0 && (unsigned char)d[i+1] == L) { found = 1; break; }
    printf("| %s (op registered; no gradient needed) | %s |\n", *u, found ? "registered" : "NOT FOUND");
  }
  return 0;
}
