#!/usr/bin/env python3
"""Summarise Neel Nanda et al.'s published train-fraction sweep (modular addition).

What the input file is
----------------------
``saved_runs/mod_addition_frac_train_sweep.pth`` from the repository
https://github.com/mechanistic-interpretability-grokking/progress-measures-paper
(code and data for "Progress measures for grokking via mechanistic
interpretability", Nanda, Chan, Lieberum, Smith, Steinhardt, ICLR 2023).

  * repository HEAD (branch main) used: 23d2c64dd1f8a5ca65efaf27e15c2b2cd47dedf1
  * commit that added the file (its only commit): 1dc9f5b6b8aa8947a086e2c4963f3ab56f17a197
  * git blob of the file: 272ce98c9fbd9373171897fe258ad83000c8f08c
    (1,072,303 bytes; sha256 70f2126b85b08f474a1b38f4dc874190fcad9db0f357b7c804ea940259766baa)

It is a ``torch.save`` zip archive holding ``[frac_trains, losses]``
(``helpers.load_mod_addition_frac_train_sweep``), where ``losses[2k]`` is the
train-loss list and ``losses[2k+1]`` the test-loss list of the run with
``frac_trains[k]``, one value per epoch (one epoch = one full-batch AdamW step).
In the published file every value is a plain Python float (pickle BINFLOAT), so no
tensor storages are present; the unpickler below nevertheless rebuilds tensors
(``torch._utils._rebuild_tensor_v2`` + ``*Storage``) in case another file has them.

Epoch numbering used in the CSV
-------------------------------
Epoch = the 0-based index into the loss list, with no +1.  Reason: in
``transformers.py`` (same commit, ``Trainer.do_a_training_step`` lines ~497-510
and ``train_model`` lines ~589-606) the loop is ``for epoch in
range(num_epochs)``, and ``do_a_training_step(epoch)`` FIRST computes the full
train and test losses, appends them to ``train_losses``/``test_losses``, and only
THEN calls ``train_loss.backward(); optimizer.step(); scheduler.step()``.  So the
loss stored at index e is the loss of the parameters after e optimizer updates,
measured BEFORE epoch e's update; index 0 is the loss at initialisation, and the
index equals Nanda's own ``epoch`` variable (the one printed as "Epoch {epoch}").
Consistent with this, entries 0 and 1 are identical in every run: the LambdaLR
warm-up ``min(step/10, 1)`` gives lr = 0 for the first update.

Stopping: ``train_model`` breaks when ``test_loss < config.stopping_thresh``,
checked after the step, so each list ends with the first test loss below the
threshold (that last update was applied but never measured).  The threshold is
not stored in the file; every run here has exactly one test loss below 3e-6 and
it is the last entry, so stopping_thresh = 3e-6 is inferred.  ``epochs_recorded``
is the list length (= number of optimizer updates performed).

Thresholds are strict (``loss < t``).  An empty cell means never crossed.

Run
---
    git --git-dir=/work/.mirror/mechanistic-interpretability-grokking+progress-measures-paper/repo \\
        show 23d2c64dd1f8a5ca65efaf27e15c2b2cd47dedf1:saved_runs/mod_addition_frac_train_sweep.pth \\
        > /tmp/mod_addition_frac_train_sweep.pth
    python3 scripts/reference/nanda_published_sweep.py /tmp/mod_addition_frac_train_sweep.pth \\
        > docs/results/nanda/published-frac-sweep.csv

Standard library only (no numpy / torch).
"""

import array
import collections
import csv
import pickle
import sys
import zipfile

# storage class name -> (array/struct typecode, itemsize in bytes)
_STORAGE_TYPES = {
    "DoubleStorage": ("d", 8),
    "FloatStorage": ("f", 4),
    "HalfStorage": ("e", 2),   # handled with struct below
    "LongStorage": ("q", 8),
    "IntStorage": ("i", 4),
    "ShortStorage": ("h", 2),
    "CharStorage": ("b", 1),
    "ByteStorage": ("B", 1),
    "BoolStorage": ("?", 1),
}


class _StorageType:
    def __init__(self, name):
        self.name = name


def _read_storage(raw, name):
    import struct
    if name not in _STORAGE_TYPES:
        raise ValueError("unsupported storage type %s" % name)
    code, size = _STORAGE_TYPES[name]
    n = len(raw) // size
    if code in ("e", "?"):
        return list(struct.unpack("<%d%s" % (n, code), raw))
    arr = array.array(code)
    arr.frombytes(raw)
    if sys.byteorder != "little":  # torch zip storages are little-endian
        arr.byteswap()
    return arr.tolist()


def _rebuild_tensor_v2(storage, storage_offset, size, stride, *_rest):
    """Return a 0-d tensor as a float, otherwise nested Python lists."""
    size = tuple(size)
    stride = tuple(stride)

    def build(dim, offset):
        if dim == len(size):
            return storage[offset]
        return [build(dim + 1, offset + i * stride[dim]) for i in range(size[dim])]

    return build(0, storage_offset)


class TorchZipUnpickler(pickle.Unpickler):
    def __init__(self, fileobj, archive, prefix):
        super().__init__(fileobj)
        self._archive = archive
        self._prefix = prefix
        self._cache = {}

    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor_v2
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_parameter":
            return lambda data, requires_grad, hooks: data
        raise pickle.UnpicklingError("refusing global %s.%s" % (module, name))

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel)
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError("unknown persistent id %r" % (pid,))
        storage_type, key = pid[1], str(pid[2])
        if key not in self._cache:
            raw = self._archive.read("%sdata/%s" % (self._prefix, key))
            self._cache[key] = _read_storage(raw, storage_type.name)
        return self._cache[key]


def load_torch_zip(path):
    with zipfile.ZipFile(path) as zf:
        pkl = [n for n in zf.namelist() if n.endswith("data.pkl")]
        if len(pkl) != 1:
            raise ValueError("%s: expected one data.pkl, found %r" % (path, pkl))
        prefix = pkl[0][: -len("data.pkl")]
        with zf.open(pkl[0]) as f:
            return TorchZipUnpickler(f, zf, prefix).load()


def _as_floats(seq):
    return [float(x) for x in seq]


def first_below(values, threshold):
    for i, v in enumerate(values):
        if v < threshold:
            return i
    return ""


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s mod_addition_frac_train_sweep.pth\n" % argv[0])
        return 2
    frac_trains, losses = load_torch_zip(argv[1])
    if len(losses) != 2 * len(frac_trains):
        raise ValueError("expected 2 loss lists per train fraction")
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow([
        "train_fraction", "epochs_recorded",
        "first_epoch_test_loss_below_1", "first_epoch_test_loss_below_0_1",
        "first_epoch_test_loss_below_0_01", "first_epoch_train_loss_below_0_01",
        "final_test_loss",
    ])
    for k, frac in enumerate(frac_trains):
        train = _as_floats(losses[2 * k])
        test = _as_floats(losses[2 * k + 1])
        if len(train) != len(test):
            raise ValueError("train/test lengths differ for frac %r" % frac)
        out.writerow([
            repr(float(frac)), len(test),
            first_below(test, 1.0), first_below(test, 0.1), first_below(test, 0.01),
            first_below(train, 0.01), repr(test[-1]),
        ])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
