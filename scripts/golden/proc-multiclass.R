# Golden values for lib/evaluate/multiclass-roc.ts, computed by R's pROC itself.
#
#   Rscript scripts/golden/proc-multiclass.R > test/evaluate/proc-multiclass.json
#
# Each case draws its inputs in R (seeded), runs pROC::multiclass.roc on them and records the
# inputs, the Hand & Till AUC and the AUC of every pair, so the tests (which run without R)
# compare against what pROC prints. Two kinds of predictor, as the chapter uses them:
#  - a vector (hard class labels, or any score): pROC's univariate version, one ROC per pair of
#    levels with direction chosen from the medians ("auto");
#  - a matrix of class probabilities with one column per level: the multivariate version, two
#    AUCs per pair (each class's own column), averaged.
suppressPackageStartupMessages(library(pROC))
RNGkind(kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

num <- function(x) paste0("[", paste(format(x, digits = 17, scientific = FALSE, trim = TRUE), collapse = ","), "]")
rows <- function(m) paste0("[", paste(apply(m, 1, num), collapse = ","), "]")
str <- function(x) paste0("[", paste0('"', x, '"', collapse = ","), "]")
cases <- character(0)

add_univariate <- function(name, response, predictor) {
  r <- multiclass.roc(response, predictor, quiet = TRUE)
  pairs <- sapply(r$rocs, function(x) paste(x$levels, collapse = "/"))
  aucs <- sapply(r$rocs, function(x) as.numeric(auc(x)))
  dirs <- sapply(r$rocs, function(x) x$direction)
  cases <<- c(cases, sprintf(
    '  {"name": "%s", "kind": "univariate", "response": %s, "predictor": %s, "auc": %s, "pairs": %s, "pairAuc": %s, "direction": %s}',
    name, num(response), num(predictor), num(as.numeric(r$auc)), str(pairs), num(aucs), str(dirs)))
}

add_multivariate <- function(name, response, probs) {
  r <- multiclass.roc(response, probs)
  pairs <- names(r$rocs)
  a1 <- sapply(r$rocs, function(x) as.numeric(auc(x[[1]])))
  a2 <- sapply(r$rocs, function(x) as.numeric(auc(x[[2]])))
  cases <<- c(cases, sprintf(
    '  {"name": "%s", "kind": "multivariate", "response": %s, "columns": %s, "predictor": %s, "auc": %s, "pairs": %s, "pairAuc1": %s, "pairAuc2": %s}',
    name, num(response), str(colnames(probs)), rows(probs), num(as.numeric(r$auc)), str(pairs), num(a1), num(a2)))
}

softmax_rows <- function(z) { e <- exp(z - apply(z, 1, max)); e / rowSums(e) }

# 1. Hard labels, three classes, 70% right (the course's call: multiclass.roc(y_true, y_hat_test)).
set.seed(1)
y <- sample(1:3, 60, replace = TRUE)
yhat <- ifelse(runif(60) < 0.7, y, sample(1:3, 60, replace = TRUE))
add_univariate("hard_labels_3", y, yhat)

# 2. Hard labels where one class is always called another (a pair with direction ">").
set.seed(2)
y <- sample(1:3, 45, replace = TRUE)
yhat <- y
yhat[y == 3 & runif(45) < 0.8] <- 1
add_univariate("hard_labels_confused", y, yhat)

# 3. A continuous score with ties, four classes, the score falling with the class (direction ">").
set.seed(3)
y <- sample(1:4, 80, replace = TRUE)
score <- round(-y + rnorm(80, sd = 1.2), 1)
add_univariate("score_ties_4", y, score)

# 4. Probabilities of three classes (softmax of a noisy one-hot), columns named as the levels.
set.seed(4)
y <- sample(1:3, 90, replace = TRUE)
z <- 2 * outer(y, 1:3, "==") + matrix(rnorm(270, sd = 1.3), ncol = 3)
p <- softmax_rows(z)
colnames(p) <- c("1", "2", "3")
add_multivariate("probabilities_3", y, p)

# 5. Rounded probabilities (ties), four classes.
set.seed(5)
y <- sample(1:4, 70, replace = TRUE)
z <- 1.5 * outer(y, 1:4, "==") + matrix(rnorm(280), ncol = 4)
p <- round(softmax_rows(z), 2)
colnames(p) <- c("1", "2", "3", "4")
add_multivariate("probabilities_ties_4", y, p)

# 6. The same predictions twice: as probabilities and as their arg-max labels (the chapter's contrast).
set.seed(6)
y <- sample(1:3, 120, replace = TRUE)
z <- 1.2 * outer(y, 1:3, "==") + matrix(rnorm(360), ncol = 3)
p <- softmax_rows(z)
colnames(p) <- c("1", "2", "3")
add_multivariate("contrast_probabilities", y, p)
add_univariate("contrast_labels", y, apply(p, 1, which.max))

cat("{\n")
cat(sprintf('"generator": "scripts/golden/proc-multiclass.R", "R": "%s", "pROC": "%s",\n', getRversion(), packageVersion("pROC")))
cat('"cases": [\n')
cat(paste(cases, collapse = ",\n"))
cat("\n]}\n")
