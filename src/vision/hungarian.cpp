// SPDX-License-Identifier: Apache-2.0
// Minimum-cost assignment (Hungarian method with row/column potentials and shortest augmenting paths,
// O(n^2 m) for n <= m). Used by the face tracker; deterministic (first minimum wins on ties).
#include <limits>
#include <vector>

#include "sentio/core/error.hpp"
#include "sentio/vision/face_tracker.hpp"

namespace sentio::vision {

namespace {

// n <= m. cost(i, j) row-major n x m. Returns the column of each row.
std::vector<int> solve(const std::vector<double>& cost, std::size_t n, std::size_t m) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // 1-based arrays; column 0 is the virtual start of each augmenting path.
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<std::size_t> row_of(m + 1, 0), way(m + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    row_of[0] = i;
    std::size_t j0 = 0;
    std::vector<double> min_to(m + 1, kInf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = row_of[j0];
      double delta = kInf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double reduced = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (reduced < min_to[j]) {
          min_to[j] = reduced;
          way[j] = j0;
        }
        if (min_to[j] < delta) {
          delta = min_to[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[row_of[j]] += delta;
          v[j] -= delta;
        } else {
          min_to[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[j0] != 0);
    // Flip the augmenting path.
    do {
      const std::size_t j1 = way[j0];
      row_of[j0] = row_of[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> col_of_row(n, -1);
  for (std::size_t j = 1; j <= m; ++j)
    if (row_of[j] != 0) col_of_row[row_of[j] - 1] = static_cast<int>(j - 1);
  return col_of_row;
}

}  // namespace

std::vector<int> hungarian_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols) {
  SENTIO_ASSERT(cost.size() == rows * cols);
  if (rows == 0) return {};
  if (cols == 0) return std::vector<int>(rows, -1);
  for (double c : cost) SENTIO_ASSERT(c == c && c < std::numeric_limits<double>::infinity());
  if (rows <= cols) return solve(cost, rows, cols);
  // More rows than columns: solve the transpose and invert.
  std::vector<double> t(cost.size());
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) t[j * rows + i] = cost[i * cols + j];
  const std::vector<int> row_of_col = solve(t, cols, rows);
  std::vector<int> out(rows, -1);
  for (std::size_t j = 0; j < cols; ++j)
    if (row_of_col[j] >= 0) out[static_cast<std::size_t>(row_of_col[j])] = static_cast<int>(j);
  return out;
}

}  // namespace sentio::vision
