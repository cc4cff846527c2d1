// Multicolour relaxation. The host colours the rows so that no two rows of one colour are coupled
// (a_ij = a_ji = 0 for i != j of the same colour) and lists them colour by colour in `order`
// (rows of colour c at order[first .. first+count)). One launch handles one colour; colours run in
// sequence on the stream, rows of a colour in parallel. Because rows of a colour never read each
// other, the parallel update equals a sequential sweep in the colour ordering exactly (up to
// floating-point contraction): dev.solvent.cuda.MulticolorOrdering is that sequential reference.
// It is NOT lexicographic SOR, and converges at a different rate.
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
