# Golden values for lib/plotting/r-boxplot.ts: what R's boxplot.stats() and fivenum() return.
#
#   Rscript scripts/golden/r-boxplot-stats.R > test/plotting/r-boxplot-stats.json
num <- function(x) paste0("[", paste(format(x, digits = 17, scientific = FALSE, trim = TRUE), collapse = ","), "]")
cases <- character(0)
add <- function(name, x, coef = 1.5) {
  b <- boxplot.stats(x, coef = coef)
  cases <<- c(cases, sprintf('  {"name": "%s", "x": %s, "coef": %s, "fivenum": %s, "stats": %s, "n": %d, "conf": %s, "out": %s}',
    name, num(x), num(coef), num(fivenum(x)), num(b$stats), b$n, num(b$conf), num(b$out)))
}
set.seed(11)
add("odd_one_high", round(runif(11), 3))
add("even_no_outliers", round(rnorm(10), 3))
add("outliers_both_sides", c(round(rnorm(30, 5, 1), 2), -3, 14, 15))
add("probabilities_like_mc_dropout", round(c(rbeta(200, 8, 2), 0.05, 0.1), 4))
add("ties", c(1, 1, 1, 2, 2, 3, 10))
add("two_values", c(0.2, 0.9))
add("coef_zero", c(1, 2, 3, 4, 100), coef = 0)
add("coef_three", c(round(rnorm(25), 2), 6, -7), coef = 3)
cat('{"generator": "scripts/golden/r-boxplot-stats.R", "R": "', as.character(getRversion()), '",\n"cases": [\n', sep = "")
cat(paste(cases, collapse = ",\n"))
cat("\n]}\n")
