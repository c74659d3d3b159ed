# Golden values for lib/plotting/loess.ts: R's loess(y ~ x) fits, computed directly (surface =
# "direct") and with R's default interpolation (surface = "interpolate", what ggplot2 draws), on
# training-history-like series.
#
#   Rscript scripts/golden/loess.R > test/plotting/loess-golden.json
num <- function(x) paste0("[", paste(format(x, digits = 17, scientific = FALSE, trim = TRUE), collapse = ","), "]")
cases <- character(0)
add <- function(name, x, y, span = 0.75, degree = 2) {
  at <- seq(min(x), max(x), length.out = 80)
  direct <- predict(loess(y ~ x, span = span, degree = degree, surface = "direct"), data.frame(x = at))
  interp <- predict(loess(y ~ x, span = span, degree = degree), data.frame(x = at))
  cases <<- c(cases, sprintf('  {"name": "%s", "span": %s, "degree": %d, "x": %s, "y": %s, "at": %s, "direct": %s, "interpolate": %s}',
    name, num(span), degree, num(x), num(y), num(at), num(direct), num(interp)))
}
set.seed(7)
e <- 1:20
add("falling_loss_20_epochs", e, 0.7 * exp(-e / 5) + 0.2 + rnorm(20, 0, 0.02))
e <- 1:100
add("accuracy_100_epochs", e, 0.95 - 0.4 * exp(-e / 15) + rnorm(100, 0, 0.01))
e <- 1:12
add("noisy_12_epochs_span_half_degree_1", e, runif(12), span = 0.5, degree = 1)
add("unevenly_spaced", c(1, 2, 4, 7, 8, 9, 15, 16, 20, 30, 31), c(3, 2.5, 2.2, 2, 1.7, 1.9, 1.5, 1.6, 1.2, 1.1, 1.3))
cat('{"generator": "scripts/golden/loess.R", "R": "', as.character(getRversion()), '",\n"cases": [\n', sep = "")
cat(paste(cases, collapse = ",\n"), "\n]}\n", sep = "")
