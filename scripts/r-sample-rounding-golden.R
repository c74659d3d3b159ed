# Golden values for lib/random/rng.ts's "Rounding" sample kind, printed by R itself.
#
#   Rscript scripts/r-sample-rounding-golden.R > test/random/r-sample-rounding.json
#
# R 3.5 and earlier drew sample() indices as floor(n * u) ("Rounding"); R 3.6 made "Rejection" the
# default. The course was rendered with R 3.5, so its set.seed(12345) splits need the old kind.
# Each case sets the seed with sample.kind = "Rounding" and records what R draws. R warns that
# the Rounding sampler is biased; that warning is expected and silenced here.
suppressWarnings(RNGkind(kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rounding"))

json_num <- function(x) paste0("[", paste(format(x, digits = 17, scientific = FALSE, trim = TRUE), collapse = ","), "]")
json_int <- function(x) paste0("[", paste(as.integer(x), collapse = ","), "]")
cases <- character(0)
add <- function(name, body) cases <<- c(cases, sprintf('  "%s": {%s}', name, body))

for (seed in c(1, 42, 123, 12345)) {
  suppressWarnings(set.seed(seed, sample.kind = "Rounding"))
  p <- sample(10)
  u <- runif(2)
  add(sprintf("seed%d_perm10_then_runif2", seed), sprintf('"seed": %d, "perm": %s, "runif": %s', seed, json_int(p), json_num(u)))
}

suppressWarnings(set.seed(2024, sample.kind = "Rounding"))
add("seed2024_replace_6_of_20", sprintf('"seed": 2024, "n": 6, "size": 20, "draws": %s', json_int(sample(6, 20, replace = TRUE))))

suppressWarnings(set.seed(7, sample.kind = "Rounding"))
add("seed7_sample_100_size_15", sprintf('"seed": 7, "n": 100, "size": 15, "draws": %s', json_int(sample(100, 15))))

# The course's chapter 2 split: 2211 Rick frames then 3046 others, set.seed(12345), first 4001 of sample().
suppressWarnings(set.seed(12345, sample.kind = "Rounding"))
vecInd <- seq(1, 2211 + 3046)
trainInd <- sample(vecInd)[1:4001]
add("course_rick_split", sprintf(
  '"seed": 12345, "n": %d, "n_train": 4001, "rick": 2211, "train_rick": %d, "train_not_rick": %d, "first": %s, "sum_train": %d',
  length(vecInd), sum(trainInd <= 2211), sum(trainInd > 2211), json_int(trainInd[1:25]), sum(as.numeric(trainInd))))

# The same with R >= 3.6's default, to show the two kinds part ways.
suppressWarnings(set.seed(12345, sample.kind = "Rejection"))
trainIndNew <- sample(vecInd)[1:4001]
add("course_rick_split_rejection", sprintf(
  '"seed": 12345, "n": %d, "n_train": 4001, "train_rick": %d, "first": %s',
  length(vecInd), sum(trainIndNew <= 2211), json_int(trainIndNew[1:25])))

cat("{\n", sprintf('  "generated_by": "%s, scripts/r-sample-rounding-golden.R",\n', R.version.string), paste(cases, collapse = ",\n"), "\n}\n", sep = "")
