#!/usr/bin/env python3
"""The peers' side of the multigrid comparison (bench/amg/run.sh): PETSc CG + GAMG, PETSc CG +
hypre BoomerAMG (petsc4py, under mpiexec for several ranks) and pyamg smoothed aggregation + CG.

Reads the same Matrix Market file as Solvent's driver (dev.solvent.jmh.peers.PressureSolveComparison),
sets up once (timed apart), solves --repeats times from a zero initial guess (each timed), recomputes
the true relative residual ||b - A x||_2 / ||b||_2 itself with SciPy on the whole matrix (not from
the solver), and prints one JSON line per solve with the same fields as the Java driver.

    peers.py solve --method gamg|hypre|pyamg --matrix A.mtx [--rhs b.mtx] [--rtol 1e-8]
                   [--max-iter 10000] [--repeats 3] [--problem NAME] [--round 1]
                   [--complexity] [--view FILE]
    peers.py cache A.mtx      # writes A.mtx.npz (CSR) so that later reads skip the text parse
    peers.py versions         # key: value lines for the report (PETSc, hypre, pyamg, SciPy, ...)

Stopping rules, set to match Solvent's ||b - A x_k||_2 <= rtol ||b||_2 with x_0 = 0:
  PETSc: KSPCG, KSP_NORM_UNPRECONDITIONED (the 2-norm of the residual b - A x_k as CG updates it),
         rtol as given, atol 0, zero initial guess: KSPConvergedDefault then stops at
         ||r_k|| <= rtol ||r_0|| = rtol ||b||.
  pyamg: ml.solve(accel='cg', tol=rtol): pyamg's CG with its default criterion 'rr',
         ||r_k|| < tol ||b||, r_k the recursively updated residual.
The options each peer runs with are PETSc's / pyamg's defaults except those named here
(GAMG: PCGAMGSetType agg; hypre: PCHYPRESetType boomeramg); PETSc options given in the
environment (PETSC_OPTIONS) are honoured and printed in the JSON.
"""

import argparse
import json
import os
import sys
import time


def log(msg):
    print("peers.py: " + msg, file=sys.stderr, flush=True)


def load_matrix(path):
    """The matrix as SciPy CSR (float64), from PATH.npz when it is newer than PATH, else mmread."""
    import numpy as np
    import scipy.io
    import scipy.sparse as sp
    cache = path + ".npz"
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(path):
        return sp.load_npz(cache).tocsr()
    a = scipy.io.mmread(path)
    a = sp.csr_matrix(a, dtype=np.float64)
    a.sum_duplicates()
    a.sort_indices()
    return a


def load_rhs(args, a):
    import numpy as np
    import scipy.io
    if args.rhs:
        b = scipy.io.mmread(args.rhs)
        b = np.asarray(b.todense() if hasattr(b, "todense") else b, dtype=np.float64).ravel()
        if b.shape[0] != a.shape[0]:
            raise ValueError("%s: %d entries, the matrix has %d rows" % (args.rhs, b.shape[0], a.shape[0]))
        return b
    return a @ np.ones(a.shape[1])


def relative_residual(a, b, x):
    import numpy as np
    return float(np.linalg.norm(b - a @ x) / np.linalg.norm(b))


def header(kind, args, tool, method, parallel, parallel_kind):
    return {
        "kind": kind, "tool": tool, "method": method, "solver": "cg", "pc": args.method,
        "backend": tool, "problem": args.problem, "round": args.round,
        "parallel": parallel, "parallelKind": parallel_kind,
    }


def emit(obj):
    """One JSON line; a non-finite number is written as null (JSON has no NaN), as the Java driver does."""
    def clean(v):
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            return None
        if isinstance(v, dict):
            return {k: clean(w) for k, w in v.items()}
        if isinstance(v, list):
            return [clean(w) for w in v]
        return v
    print(json.dumps(clean(obj)), flush=True)


def problem_name(args):
    if args.problem:
        return args.problem
    base = os.path.basename(args.matrix)
    return base[:-4] if base.endswith(".mtx") else base


# ------------------------------------------------------------------------------------------------
# PETSc

def petsc_reason_name(PETSc, code):
    for name in dir(PETSc.KSP.ConvergedReason):
        if not name.startswith("_") and getattr(PETSc.KSP.ConvergedReason, name) == code:
            return name
    return str(code)


def hypre_statistics(PETSc, mat, rank):
    """Operator and grid complexity from BoomerAMG's statistics, printed by hypre on the C stdout
    during an extra, untimed setup (so the timed one stays free of the printing)."""
    import ctypes
    import re
    import tempfile
    opts = PETSc.Options()
    opts.setValue("-amgstat_pc_hypre_boomeramg_print_statistics", "1")
    ksp = PETSc.KSP().create(comm=mat.getComm())
    ksp.setOptionsPrefix("amgstat_")
    ksp.setOperators(mat)
    ksp.setType("cg")
    pc = ksp.getPC()
    pc.setType("hypre")
    pc.setHYPREType("boomeramg")
    ksp.setFromOptions()
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            ksp.setUp()
            ctypes.CDLL(None).fflush(None)  # hypre prints through C stdio
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode("utf-8", "replace")
    ksp.destroy()
    opts.delValue("-amgstat_pc_hypre_boomeramg_print_statistics")
    if rank != 0:
        return None, None, None
    grid = re.search(r"grid\s*=\s*([0-9.eE+-]+)", text)
    op = re.search(r"operator\s*=\s*([0-9.eE+-]+)", text)
    levels = re.search(r"Num levels\s*=\s*(\d+)", text)
    return (float(op.group(1)) if op else None, float(grid.group(1)) if grid else None,
            int(levels.group(1)) if levels else None)


def gamg_complexity(PETSc, pc, nnz, n):
    """Operator complexity (sum of level nonzeros / fine nonzeros), grid complexity and levels of a
    set-up PCGAMG, read from its levels' operators."""
    levels = pc.getMGLevels()
    nz = 0.0
    rows = 0.0
    for level in range(levels):
        mat = pc.getMGSmoother(level).getOperators()[0]
        nz += mat.getInfo(PETSc.Mat.InfoType.GLOBAL_SUM)["nz_used"]
        rows += mat.getSize()[0]
    return nz / nnz, rows / n, levels


def run_petsc(args):
    import numpy as np
    try:
        import petsc4py
        petsc4py.init([sys.argv[0]])
        from petsc4py import PETSc
    except ImportError as e:
        emit(dict(header("unavailable", args, "petsc", "cg+" + args.method, 1, "ranks"),
                  reason="petsc4py cannot be imported: %s" % e))
        return 0
    comm = PETSc.COMM_WORLD
    rank, size = comm.getRank(), comm.getSize()
    method = "cg+" + args.method
    if args.method == "hypre" and not PETSc.Sys.hasExternalPackage("hypre"):
        if rank == 0:
            emit(dict(header("unavailable", args, "petsc", method, size, "ranks"),
                      reason="this PETSc build has no hypre"))
        return 0
    try:
        a = load_matrix(args.matrix)
        b_full = load_rhs(args, a)
        n = a.shape[0]
        # PETSc's default row split: the first n % size ranks get one row more.
        local = n // size + (1 if rank < n % size else 0)
        start = rank * (n // size) + min(rank, n % size)
        end = start + local
        block = a[start:end]
        int_type = PETSc.IntType
        mat = PETSc.Mat().createAIJ(size=((local, n), (local, n)),
                                    csr=(block.indptr.astype(int_type), block.indices.astype(int_type),
                                         block.data),
                                    comm=comm)
        mat.assemble()
        bvec = mat.createVecLeft()
        bvec.array[:] = b_full[start:end]
        x = mat.createVecRight()

        ksp = PETSc.KSP().create(comm=comm)
        ksp.setOperators(mat)
        ksp.setType("cg")
        ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
        ksp.setTolerances(rtol=args.rtol, atol=0.0, max_it=args.max_iter)
        ksp.setInitialGuessNonzero(False)
        pc = ksp.getPC()
        if args.method == "gamg":
            pc.setType("gamg")
            pc.setGAMGType("agg")
        else:
            pc.setType("hypre")
            pc.setHYPREType("boomeramg")
        ksp.setFromOptions()

        comm.barrier()
        t0 = time.perf_counter()
        ksp.setUp()
        comm.barrier()
        setup_seconds = time.perf_counter() - t0

        op_cx = grid_cx = levels = None
        if args.method == "gamg":
            op_cx, grid_cx, levels = gamg_complexity(PETSc, pc, a.nnz, n)
        scatter, x_root = PETSc.Scatter.toZero(x)
        lines = []
        for k in range(1, args.repeats + 1):
            x.set(0.0)
            comm.barrier()
            t0 = time.perf_counter()
            ksp.solve(bvec, x)
            comm.barrier()
            solve_seconds = time.perf_counter() - t0
            scatter.scatter(x, x_root, False, PETSc.Scatter.Mode.FORWARD)
            reason = ksp.getConvergedReason()
            its = ksp.getIterationNumber()
            rnorm = ksp.getResidualNorm()
            if rank == 0:
                xr = x_root.getArray().copy()
                lines.append(dict(
                    header("solve", args, "petsc", method, size, "ranks"),
                    matrix=args.matrix, rhs=args.rhs or "A*ones", n=n, nnz=int(a.nnz), rtol=args.rtol, maxIterations=args.max_iter,
                    stopping="KSPCG, KSP_NORM_UNPRECONDITIONED, ||r_k||_2 <= rtol ||b||_2 (atol 0, x_0 = 0)",
                    repeat=k, setupSeconds=setup_seconds, solveSeconds=solve_seconds, iterations=its,
                    reason=petsc_reason_name(PETSc, reason), converged=reason > 0,
                    relativeResidual=relative_residual(a, b_full, xr),
                    solverRelativeResidual=rnorm / float(np.linalg.norm(b_full)),
                    operatorComplexity=op_cx, gridComplexity=grid_cx, levels=levels,
                    setup={"petscOptions": os.environ.get("PETSC_OPTIONS", ""),
                           "pcType": pc.getType(), "ranks": size}))
        if args.method == "hypre" and args.complexity:
            op_cx, grid_cx, levels = hypre_statistics(PETSc, mat, rank)
            for line in lines:
                line.update(operatorComplexity=op_cx, gridComplexity=grid_cx, levels=levels)
        if args.view:
            viewer = PETSc.Viewer().createASCII(args.view, comm=comm)
            ksp.view(viewer)
            viewer.destroy()
        for line in lines:
            emit(line)
        return 0
    except Exception as e:  # one line for the report, not a traceback
        if rank == 0:
            emit(dict(header("failed", args, "petsc", method, size, "ranks"),
                      reason="%s: %s" % (type(e).__name__, e)))
        return 1


# ------------------------------------------------------------------------------------------------
# pyamg

def run_pyamg(args):
    import numpy as np
    method = "cg+pyamg-sa"
    try:
        import pyamg
    except ImportError as e:
        emit(dict(header("unavailable", args, "pyamg", method, 1, "threads"),
                  reason="pyamg cannot be imported: %s" % e))
        return 0
    try:
        a = load_matrix(args.matrix)
        b = load_rhs(args, a)
        t0 = time.perf_counter()
        ml = pyamg.smoothed_aggregation_solver(a)
        setup_seconds = time.perf_counter() - t0
        for k in range(1, args.repeats + 1):
            residuals = []
            x0 = np.zeros(a.shape[0])
            t0 = time.perf_counter()
            x, info = ml.solve(b, x0=x0, tol=args.rtol, maxiter=args.max_iter, accel="cg",
                               residuals=residuals, return_info=True)
            solve_seconds = time.perf_counter() - t0
            emit(dict(
                header("solve", args, "pyamg", method, 1, "threads"),
                matrix=args.matrix, rhs=args.rhs or "A*ones", n=a.shape[0], nnz=int(a.nnz), rtol=args.rtol, maxIterations=args.max_iter,
                stopping="pyamg cg, criteria 'rr': ||r_k||_2 < tol ||b||_2 (x_0 = 0)",
                repeat=k, setupSeconds=setup_seconds, solveSeconds=solve_seconds,
                iterations=len(residuals) - 1, reason="converged" if info == 0 else "info=%d" % info,
                converged=info == 0, relativeResidual=relative_residual(a, b, x),
                solverRelativeResidual=residuals[-1] / float(np.linalg.norm(b)) if residuals else None,
                operatorComplexity=float(ml.operator_complexity()), gridComplexity=float(ml.grid_complexity()),
                levels=len(ml.levels),
                setup={"pyamg": pyamg.__version__,
                       "call": "smoothed_aggregation_solver(A) with its defaults; solve(accel='cg', cycle='V')"}))
        return 0
    except Exception as e:
        emit(dict(header("failed", args, "pyamg", method, 1, "threads"), reason="%s: %s" % (type(e).__name__, e)))
        return 1


# ------------------------------------------------------------------------------------------------

def versions():
    out = {}
    try:
        import petsc4py
        petsc4py.init([sys.argv[0]])
        from petsc4py import PETSc
        out["PETSc"] = "%d.%d.%d" % PETSc.Sys.getVersion()
        out["petsc4py"] = petsc4py.__version__
        out["PETSc has hypre"] = str(PETSc.Sys.hasExternalPackage("hypre"))
    except Exception as e:
        out["PETSc"] = "not available (%s)" % e
    try:
        import scipy
        import numpy
        out["SciPy (PETSc driver)"] = scipy.__version__
        out["NumPy (PETSc driver)"] = numpy.__version__
    except Exception as e:
        out["SciPy"] = "not available (%s)" % e
    for k, v in out.items():
        print("%s: %s" % (k, v))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("solve")
    s.add_argument("--method", choices=["gamg", "hypre", "pyamg"], required=True)
    s.add_argument("--matrix", required=True)
    s.add_argument("--rhs")
    s.add_argument("--rtol", type=float, default=1e-8)
    s.add_argument("--max-iter", type=int, default=10000)
    s.add_argument("--repeats", type=int, default=3)
    s.add_argument("--problem")
    s.add_argument("--round", type=int, default=1)
    s.add_argument("--complexity", action="store_true",
                   help="hypre: an extra untimed setup that prints BoomerAMG's statistics, for its complexities")
    s.add_argument("--view", help="write KSPView of the solver to this file (after the timed solves)")
    c = sub.add_parser("cache")
    c.add_argument("matrix")
    sub.add_parser("versions")
    args = p.parse_args()
    if args.command == "versions":
        versions()
        return 0
    if args.command == "cache":
        import scipy.sparse as sp
        a = load_matrix(args.matrix)
        tmp = args.matrix + ".tmp.npz"
        sp.save_npz(tmp, a, compressed=False)
        os.replace(tmp, args.matrix + ".npz")
        return 0
    args.problem = problem_name(args)
    if args.repeats < 1:
        p.error("--repeats must be positive")
    return run_pyamg(args) if args.method == "pyamg" else run_petsc(args)


if __name__ == "__main__":
    sys.exit(main())
