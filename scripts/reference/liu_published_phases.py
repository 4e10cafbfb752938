#!/usr/bin/env python3
"""Phase (comprehension / grokking / memorization / confusion) of every cell of
Ziming Liu et al.'s two published decoder-lr x weight-decay sweeps of the toy
addition model, classified with the authors' own notebook rule.

Where the data come from
------------------------
Repository https://github.com/ejmichaud/grokking-squared (code for "Towards
Understanding Grokking: An Effective Theory of Representation Learning", Liu,
Kitouni, Nolte, Michaud, Tegmark, Williams, NeurIPS 2022).

  * repository HEAD (branch main) used: 0229df94de69b8384e560367280a43a238112bf5
    (2022-11-25, "Merge branch 'main' of github.com:ejmichaud/grokking-squared")

Source ``paper-scale`` (compute budget 1e5 steps)
  * ``phase_diagram_plot/train_steps.txt`` (blob cd8afb7b0e5decb12931bfba29e617213fd7505c)
  * ``phase_diagram_plot/test_steps.txt``  (blob c05654680bccf259b3ee5e8d84835cfd3c685e17)
  * read by ``phase_diagram_plot/simple_phase_diagram.ipynb``
    (blob 28b5288dc237b67f75fa54d39130610e3ae6d96c); all three were added in
    commit afadb73d03a2850bb01cc31696f0f37b3f281970 ("add simple phase diagram
    code", 2022-05-12) and never changed since.
  * Format: ``np.savetxt`` text, 11 lines x 11 whitespace-separated floats
    ("%.18e"), integer-valued.  Row i = decoder learning rate
    ``10**np.linspace(-4,-2,num=11)[i]`` (notebook raw-JSON line 52), column j =
    decoder weight decay ``np.arange(11)[j]`` = j (line 54).  The notebook says
    so itself: ``# if your data is (learning_rate, weight decay)`` /
    ``transpose_mode = 1`` (lines 60-61).  Value = first step (0-based) at which
    train (resp. test) accuracy >= 0.9; a run that never got there stores the
    last step index, budget-1 = 99999.
  * No script in the repository writes these two files.  Their grid (same lr
    and wd lists, 1e5 epochs, same "never reached -> last epoch index"
    convention, full-batch, threshold acc >= 0.9) matches the sweep in
    ``phase_diagram_plot/phase_diagram.ipynb`` (which writes one file per cell
    under ./pd_results/seed_%d_wd1_%d/ and has wds = arange(11) + [20]), so
    that notebook is the probable generator; this is inferred, not recorded.
    The notebook's commented-out title/savefig call it "Addition group
    (regression)" / ``simple_pd_addition_regression.pdf``.

Source ``fig5b`` (compute budget 1e4 steps; the repo's reduced-cost rerun of
Figure 5(b) -- toy/Figure5.ipynb: "Here the default steps=1e4, in paper we
report results for steps=1e5")
  * ``toy/results/fig5b/trainstep_eta_%.5f_wd_%.5f.txt`` and
    ``toy/results/fig5b/teststep_eta_%.5f_wd_%.5f.txt`` (220 files, tree
    a7e15b1b30a8e50fa19674092ca9584ba89a80c2), added in commit
    c4fee6e7a6b28b2242abc367080996166c4166ef ("upload toy (for Figure 3,4,5)",
    2022-10-06) by the training cell of that commit's toy/Figure5.ipynb
    (``train_add(weight_decay_dec=wd, eta_dec=lr, steps=int(1e4), eff_steps=1)``);
    at HEAD the same call lives in ``toy/produce_figure_data.py``
    (``train_many_fig5b``, lines 57-65) and the plot in ``toy/Figure5.ipynb``
    (cells 5-6, raw-JSON lines 129-219).
  * Format: one ``np.savetxt`` value per file (e.g. ``9.999000000000000000e+03``).
    File name: ``%.5f`` of the decoder lr ``10**np.linspace(-5,-2,num=10)[i]``
    and of the weight decay ``np.arange(11)[j]``.  Value = ``dic["iter_train"]``
    / ``dic["iter_test"]`` of ``toy/train_add.py``: first 0-based step with
    train/test accuracy >= 0.9, else the last step index, steps-1 = 9999
    (train_add.py lines 342-350 and 394-398).
  * Phase per cell: yes, same rule.  Figure5.ipynb cell 6 (raw-JSON lines
    193-195) uses the identical expression with ``steps = 1e4`` and
    ``threshold = 1e3`` (cell 4, Figure 5(a), uses threshold = 2e3 instead).

Classification rule (applied verbatim)
--------------------------------------
``phase_diagram_plot/simple_phase_diagram.ipynb`` @ 0229df9, first code cell,
raw-JSON lines 65-66 and 76-80 (budget = compute_budget, thr = threshold)::

    compute_budget = 1e5
    threshold = 1e3 # comprehension -> val-train<threshold; otherwise grokking.
    I_comprehension = (train_steps < (compute_budget-1))*(test_steps < (compute_budget-1))*((test_steps-train_steps)<threshold)
    I_grokking = (train_steps < (compute_budget-1))*(test_steps < (compute_budget-1))*((test_steps-train_steps)>threshold)
    I_memorization = (train_steps < (compute_budget-1))*(test_steps == (compute_budget-1))
    I_confusion = (train_steps == (compute_budget-1))*(test_steps == (compute_budget-1))
    I = I_comprehension*0 + I_grokking*1 + I_memorization*2 + I_confusion*3

``toy/Figure5.ipynb`` line 195 is the same formula with ``steps`` for
``compute_budget`` (1e4) and threshold 1e3.

So "never reached" means a step EQUAL to budget-1 (99999 / 9999), which is what
the training code writes when the 0.9-accuracy threshold is not crossed; a
value equal to the budget itself is not special (it would fail every ``<`` and
``==`` test).  Because ``I`` is a weighted SUM and comprehension has weight 0,
any cell for which none of the four indicators is true falls through to
index 0 = comprehension: val-train exactly equal to the threshold, train never
reached but val reached, or a value >= budget.  This script reproduces that
(it does not invent a fifth class) and reports such fall-through cells on
stderr; there are none in the published files.  Note also that a run that
crossed 0.9 exactly at the last step is indistinguishable from "never".

Output
------
CSV on stdout, header ``source,decoder_lr,weight_decay,train_step,val_step,phase``,
rows ordered source (paper-scale, fig5b), then lr ascending, then wd ascending.
decoder_lr is Python's repr of 10**(start + i*(stop-start)/(num-1)) (the last
one is exactly 10**stop), which is how np.linspace builds the grid.
``--grids`` prints the two phase tables as letter grids instead
(C = comprehension, G = grokking, M = memorization, X = confusion;
rows = lr ascending, columns = wd 0..10).

Run
---
Make a checkout (no work tree needed; git archive leaves the mirror untouched)::

    mkdir -p /tmp/grokking-squared
    git --git-dir=/work/.mirror/ejmichaud+grokking-squared/repo \\
        archive 0229df94de69b8384e560367280a43a238112bf5 phase_diagram_plot toy \\
        | tar -x -C /tmp/grokking-squared
    # or: git --git-dir=/work/.mirror/ejmichaud+grokking-squared/repo \\
    #         worktree add --detach /tmp/grokking-squared 0229df94de69b8384e560367280a43a238112bf5

then::

    python3 scripts/reference/liu_published_phases.py /tmp/grokking-squared \\
        > docs/results/liu/published-phases.csv
    python3 scripts/reference/liu_published_phases.py --grids /tmp/grokking-squared

Standard library only (no numpy).
"""

import csv
import os
import sys

PHASES = ("comprehension", "grokking", "memorization", "confusion")
LETTERS = {"comprehension": "C", "grokking": "G", "memorization": "M", "confusion": "X"}

WDS = list(range(11))  # np.arange(11)


def linspace_pow10(start, stop, num):
    """10**np.linspace(start, stop, num=num) the way numpy computes it."""
    step = (stop - start) / (num - 1)
    ys = [i * step + start for i in range(num)]
    ys[-1] = stop
    return [10 ** y for y in ys]


def classify(train, val, budget, threshold):
    """simple_phase_diagram.ipynb lines 76-80, element-wise, literally."""
    last = budget - 1
    i_comprehension = (train < last) * (val < last) * ((val - train) < threshold)
    i_grokking = (train < last) * (val < last) * ((val - train) > threshold)
    i_memorization = (train < last) * (val == last)
    i_confusion = (train == last) * (val == last)
    index = i_comprehension * 0 + i_grokking * 1 + i_memorization * 2 + i_confusion * 3
    fell_through = not (i_comprehension or i_grokking or i_memorization or i_confusion)
    return PHASES[index], fell_through


def read_table(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append([float(x) for x in line.split()])
    return rows


def read_scalar(path):
    with open(path) as f:
        values = f.read().split()
    if len(values) != 1:
        raise ValueError("%s: expected one value, got %d" % (path, len(values)))
    return float(values[0])


def paper_scale(root):
    budget, threshold = 1e5, 1e3
    d = os.path.join(root, "phase_diagram_plot")
    train = read_table(os.path.join(d, "train_steps.txt"))
    test = read_table(os.path.join(d, "test_steps.txt"))
    lrs = linspace_pow10(-4, -2, 11)
    for t in (train, test):
        if len(t) != len(lrs) or any(len(r) != len(WDS) for r in t):
            raise ValueError("phase_diagram_plot tables must be 11x11")
    for i, lr in enumerate(lrs):
        for j, wd in enumerate(WDS):
            yield lr, wd, train[i][j], test[i][j], budget, threshold


def fig5b(root):
    budget, threshold = 1e4, 1e3
    d = os.path.join(root, "toy", "results", "fig5b")
    for lr in linspace_pow10(-5, -2, 10):
        for wd in WDS:
            name = "eta_%.5f_wd_%.5f.txt" % (lr, float(wd))
            train = read_scalar(os.path.join(d, "trainstep_" + name))
            test = read_scalar(os.path.join(d, "teststep_" + name))
            yield lr, wd, train, test, budget, threshold


SOURCES = (("paper-scale", paper_scale), ("fig5b", fig5b))


def as_int(x):
    return str(int(x)) if x == int(x) else repr(x)


def main(argv):
    args = [a for a in argv[1:] if a != "--grids"]
    grids = "--grids" in argv[1:]
    if len(args) != 1:
        sys.stderr.write("usage: %s [--grids] /path/to/grokking-squared-checkout\n" % argv[0])
        return 2
    root = args[0]

    rows = []
    for source, reader in SOURCES:
        for lr, wd, train, val, budget, threshold in reader(root):
            phase, fell_through = classify(train, val, budget, threshold)
            if fell_through:
                sys.stderr.write(
                    "warning: %s lr=%r wd=%d train=%s val=%s matches no indicator; "
                    "notebook sum gives index 0 = comprehension\n"
                    % (source, lr, wd, as_int(train), as_int(val)))
            rows.append((source, lr, wd, train, val, phase))

    if grids:
        for source, _ in SOURCES:
            sub = [r for r in rows if r[0] == source]
            lrs = sorted(set(r[1] for r in sub))
            print("%s  (rows: decoder lr ascending; columns: wd %d..%d)"
                  % (source, WDS[0], WDS[-1]))
            print("%-10s %s" % ("lr \\ wd", " ".join("%2d" % w for w in WDS)))
            for lr in lrs:
                cells = {r[2]: LETTERS[r[5]] for r in sub if r[1] == lr}
                print("%-10.3g %s" % (lr, " ".join("%2s" % cells[w] for w in WDS)))
            print()
        return 0

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["source", "decoder_lr", "weight_decay", "train_step", "val_step", "phase"])
    for source, lr, wd, train, val, phase in rows:
        out.writerow([source, repr(lr), wd, as_int(train), as_int(val), phase])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
