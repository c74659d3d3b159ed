# The compiled-fit addon: TensorFlow's graph C API (build a graph, differentiate it, run it in a
# session) for lib/training/compiled-fit.ts. scripts/setup-compiled-fit.ts links deps/ to the pip
# wheel's headers and libraries and builds this with npm's node-gyp (no download).
{
  'targets': [{
    'target_name': 'graph_addon',
    'sources': ['graph_addon.cc'],
    'include_dirs': ['<(module_root_dir)/deps/include'],
    'cflags_cc': ['-std=c++17', '-O2', '-fexceptions'],
    'cflags_cc!': ['-fno-exceptions'],
    'libraries': [
      '<(module_root_dir)/deps/lib/libtensorflow_cc.so.2',
      '<(module_root_dir)/deps/lib/libtensorflow_framework.so.2',
      '-Wl,-rpath,\$$ORIGIN/../../deps/lib',
    ],
  }]
}
