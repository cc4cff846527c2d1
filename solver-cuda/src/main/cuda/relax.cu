// Scheduled relaxation and triangular solves. The host groups the rows so that no two rows of one
// group are coupled (a_ij = a_ji = 0 for i != j in a group) and lists them group by group in
// `order` (rows of group c at order[first .. first+count)); `colour` gives each row's group. One
// launch handles one group; groups run in sequence on the stream, rows of a group in parallel.
// Because rows of a group never read each other, the parallel update equals the sequential sweep
// in the group order exactly (up to floating-point contraction).
//
// Two kinds of groups:
//   - colours of a greedy multicolouring (dev.solvent.order.MulticolorOrdering, the sequential
//     reference): the MULTICOLOUR ordering, a different method from lexicographic SOR;
//   - dependency levels (dev.solvent.order.LevelSchedule): every coupling j < i has level(j) <
//     level(i), so "earlier group" means "earlier row" and the same kernels compute the NATURAL
//     (lexicographic) sweep, and the IC(0) triangular solves below, exactly.
#include "solvent_common.cuh"

// SOR update of the rows of one colour, in place:
//   x_i = (1 - w) x_i + w (b_i - sum_{j != i} a_ij x_j) / a_ii
// diag[i] is the index into ci/v of row i's diagonal entry.
extern "C" __global__ void solvent_colour_sor(int first, int count, const int* __restrict__ order,
                                              const int* __restrict__ rp, const int* __restrict__ ci,
                                              const double* __restrict__ v, const int* __restrict__ diag,
                                              const double* __restrict__ b, double* x, double omega)
{
    SOLVENT_FOR(t, count) {
        const int i = order[first + t];
        const int d = diag[i];
        double s = b[i];
        const int end = rp[i + 1];
        for (int k = rp[i]; k < end; k++) {
            if (k != d) { s -= v[k] * x[ci[k]]; }
        }
        x[i] += omega * (s / v[d] - x[i]);
    }
}

// SSOR preconditioner, z = w(2-w) (D + wU)^-1 D (D + wL)^-1 r, with L and U the parts of A below
// and above the diagonal IN THE COLOUR ORDERING: a_ij is "lower" when colour_j < colour_i.
//
// Forward pass, colours 0, 1, ..., one launch each ((D + wL) t = w(2-w) r, t kept in z):
//   t_i = (w(2-w) r_i - w sum_{colour_j < colour_i} a_ij t_j) / a_ii
extern "C" __global__ void solvent_colour_ssor_forward(int first, int count, const int* __restrict__ order,
                                                       const int* __restrict__ rp, const int* __restrict__ ci,
                                                       const double* __restrict__ v, const int* __restrict__ diag,
                                                       const int* __restrict__ colour, const double* __restrict__ r,
                                                       double* z, double omega)
{
    const double c = omega * (2.0 - omega);
    SOLVENT_FOR(t, count) {
        const int i = order[first + t];
        const int ki = colour[i];
        double s = 0.0;
        const int end = rp[i + 1];
        for (int k = rp[i]; k < end; k++) {
            const int j = ci[k];
            if (colour[j] < ki) { s += v[k] * z[j]; }
        }
        z[i] = (c * r[i] - omega * s) / v[diag[i]];
    }
}

// Backward pass, colours C-1, ..., 0, one launch each ((D + wU) z = D t, in place over t):
//   z_i = t_i - w (sum_{colour_j > colour_i} a_ij z_j) / a_ii
// and partial[block] += sum r_i z_i over this launch's rows. The host zeroes partial before the
// first backward launch and uses the same partial slots for every colour, so after the last
// colour the partials sum to r.z (launches on one stream never overlap).
extern "C" __global__ void solvent_colour_ssor_backward(int first, int count, const int* __restrict__ order,
                                                        const int* __restrict__ rp, const int* __restrict__ ci,
                                                        const double* __restrict__ v, const int* __restrict__ diag,
                                                        const int* __restrict__ colour,
                                                        const double* __restrict__ r, double* z,
                                                        double omega, double* __restrict__ partial)
{
    double dot = 0.0;
    SOLVENT_FOR(t, count) {
        const int i = order[first + t];
        const int ki = colour[i];
        double s = 0.0;
        const int end = rp[i + 1];
        for (int k = rp[i]; k < end; k++) {
            const int j = ci[k];
            if (colour[j] > ki) { s += v[k] * z[j]; }
        }
        const double zi = z[i] - omega * s / v[diag[i]];
        z[i] = zi;
        dot += r[i] * zi;
    }
    dot = solvent_block_sum(dot);
    if (threadIdx.x == 0) { partial[blockIdx.x] += dot; }
}

// IC(0) / MIC(0) triangular solves L L^T z = r, level by level (dev.solvent.backend.TriangularFactor
// holds the arrays; LevelSchedule.ofLower(L) the levels). With D = diag(L) and L' = L D^-1 unit
// lower triangular, L L^T = L' D^2 L'^T; lp/lc/lv are L's strictly lower rows with values
// l_ij l_jj, up/uc/uv the rows of L'^T (values l_ji / l_ii), scale[i] = 1 / l_ii^2.
//
// Forward, levels 0, 1, ..., one launch each (u kept in z):
//   y_i = r_i - sum_{j<i} (l_ij l_jj) u_j;   u_i = y_i / l_ii^2
// and partial[block] += sum y_i u_i over this launch's rows: after the last level the partials sum
// to r . z (= y^T D^-2 y), as in the colour-by-colour SSOR backward pass (the host zeroes partial
// before the first launch). Bytes per row: 12 per entry + 4 (row pointer) + 4 (order) + 24 (r,
// scale, z), plus the gathered u_j.
extern "C" __global__ void solvent_ic_forward(int first, int count, const int* __restrict__ order,
                                              const int* __restrict__ lp, const int* __restrict__ lc,
                                              const double* __restrict__ lv, const double* __restrict__ scale,
                                              const double* __restrict__ r, double* z,
                                              double* __restrict__ partial)
{
    double dot = 0.0;
    SOLVENT_FOR(t, count) {
        const int i = order[first + t];
        double y = r[i];
        const int end = lp[i + 1];
        for (int k = lp[i]; k < end; k++) {
            y -= lv[k] * z[lc[k]];
        }
        const double u = y * scale[i];
        z[i] = u;
        dot += y * u;
    }
    dot = solvent_block_sum(dot);
    if (threadIdx.x == 0) { partial[blockIdx.x] += dot; }
}

// Backward, levels L-1, ..., 0, one launch each, in place over u:
//   z_i = u_i - sum_{j>i} (l_ji / l_ii) z_j
// Rows j > i coupled to i lie in later levels, already done. Bytes per row: 12 per entry + 4 + 4 +
// 16 (z read and written), plus the gathered z_j.
extern "C" __global__ void solvent_ic_backward(int first, int count, const int* __restrict__ order,
                                               const int* __restrict__ up, const int* __restrict__ uc,
                                               const double* __restrict__ uv, double* z)
{
    SOLVENT_FOR(t, count) {
        const int i = order[first + t];
        double s = z[i];
        const int end = up[i + 1];
        for (int k = up[i]; k < end; k++) {
            s -= uv[k] * z[uc[k]];
        }
        z[i] = s;
    }
}
