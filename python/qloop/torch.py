"""Measured accuracy for ``qloop.explore``: a PyTorch model evaluated at any per-layer bitwidths.

    acc = qloop.torch.evaluator(model, loader, metric)          # metric(outputs, targets) -> float
    front = qloop.explore(net, design, accuracy=acc)            # accuracy axis: the measured metric

Each candidate's bitwidths are applied by fake quantization: a layer's weights are rounded to
its ``Weights`` bits (symmetric, per output channel by default) and the tensor entering it to
its ``Inputs`` bits (asymmetric over the range seen on a few calibration batches of the float
model, or from zero when that range is non-negative). Bits of 32 or more leave a tensor in
floating point. With ``finetune_steps`` the quantized copy is first trained that many steps
(quantization-aware, straight-through rounding). Results are cached per configuration; the
model runs on the device its parameters are on; fine-tuning takes its batches from
``finetune_loader``, never from the evaluation data.

qloop's layer names are matched to the model's modules: given explicitly (``layers={"conv1":
"features.0"}``), or found: a module of that name, or the module whose scope is in the node name
that ``torch.onnx.export`` gives (``/layer1/layer1.0/conv1/Conv``, imported as
``_layer1_layer1.0_conv1_Conv``), so a network imported from the same model's ONNX export
(``qloop import``) matches by itself.

Needs PyTorch (Debian: python3-torch); only this module does.
"""
import copy
import itertools
import math
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

import torch

from . import InputError

_FLOAT_BITS = 32  # at or above: not quantized


def _weight_quantizer(bits: int, symmetric: bool, per_channel: bool):
    """Fake quantization of a weight tensor, straight-through for gradients."""

    def quantize(w: torch.Tensor) -> torch.Tensor:
        reduce_dims = tuple(range(1, w.dim())) if per_channel and w.dim() > 1 else tuple(range(w.dim()))
        if bits == 1:
            # Binary: the sign times the mean magnitude (two levels; rounding to {-1, 0, 1}
            # would take three, which is two bits).
            q = torch.where(w >= 0, 1.0, -1.0) * w.detach().abs().mean(dim=reduce_dims, keepdim=True)
        elif symmetric:
            levels = 2 ** (bits - 1) - 1
            amax = w.detach().abs().amax(dim=reduce_dims, keepdim=True).clamp(min=1e-12)
            scale = amax / levels
            q = torch.clamp(torch.round(w / scale), -levels, levels) * scale
        else:
            levels = 2 ** bits - 1
            lo = w.detach().amin(dim=reduce_dims, keepdim=True)
            hi = w.detach().amax(dim=reduce_dims, keepdim=True)
            scale = ((hi - lo) / levels).clamp(min=1e-12)
            zero = torch.round(-lo / scale)
            q = (torch.clamp(torch.round(w / scale) + zero, 0, levels) - zero) * scale
        return w + (q - w).detach()

    return quantize


def _activation_quantizer(bits: int, lo: float, hi: float, symmetric: bool):
    levels = 2 ** bits - 1
    if symmetric or lo >= 0:
        # Non-negative ranges (after a ReLU) from zero; symmetric ones around zero.
        top = max(abs(lo), abs(hi)) if symmetric and lo < 0 else hi
        half = levels // 2 if symmetric and lo < 0 else 0
        scale = max(top / max(levels - half, 1), 1e-12)
        low, high = (-half, levels - half) if half else (0, levels)

        def quantize(x: torch.Tensor) -> torch.Tensor:
            q = torch.clamp(torch.round(x / scale), low, high) * scale
            return x + (q - x).detach()
    else:
        scale = max((hi - lo) / levels, 1e-12)
        zero = round(-lo / scale)

        def quantize(x: torch.Tensor) -> torch.Tensor:
            q = (torch.clamp(torch.round(x / scale) + zero, 0, levels) - zero) * scale
            return x + (q - x).detach()

    return quantize


class _FakeQuantWeight(torch.nn.Module):
    def __init__(self, quantize):
        super().__init__()
        self.quantize = quantize

    def forward(self, w):
        return self.quantize(w)


def _exported_names(path: str) -> List[str]:
    """The names ``qloop import`` may give the layer of module `path` exported by
    torch.onnx.export: the node's scope ('/layer1/layer1.0/conv1/Conv', each part the module's
    own name or its qualified name) with other characters than letters, digits, '_', '-', '.'
    turned into '_', without the operator: '_layer1_layer1.0_conv1'."""
    parts = path.split(".")
    names = []
    for choice in itertools.product((False, True), repeat=len(parts)):
        scope = [".".join(parts[:i + 1]) if qualified else parts[i] for i, qualified in enumerate(choice)]
        names.append("_" + "_".join(scope))
    return names


def _module_of_layer(layer: str, modules: Mapping[str, torch.nn.Module]) -> Optional[str]:
    """The module a qloop layer stands for: of the same name, or whose exported name it is."""
    if layer in modules:
        return layer
    stem = layer[:layer.rfind("_")] if "_" in layer else layer  # without the operator ('_Conv')
    for path in modules:
        if path and stem in _exported_names(path):
            return path
    return None


class Evaluator:
    """A callable for ``qloop.explore(accuracy=...)``: how much worse than the float model a
    configuration ``[{"layer", "Weights", "Inputs", ...}, ...]`` measures (baseline - metric, or
    metric - baseline with ``higher_is_better=False`` for a loss or perplexity), which explore
    minimises."""

    def __init__(self, model: torch.nn.Module, loader: Iterable, metric: Callable[[Any, Any], float], *,
                 layers: Optional[Mapping[str, str]] = None, weights: str = "symmetric",
                 granularity: str = "per-channel", activations: str = "asymmetric", calibration_batches: int = 4,
                 finetune_steps: int = 0, finetune_loader: Optional[Iterable] = None, finetune_lr: float = 1e-3,
                 loss: Optional[Callable[[Any, Any], torch.Tensor]] = None, higher_is_better: bool = True):
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"model: expected a torch.nn.Module, got {type(model).__name__}")
        if not callable(metric):
            raise TypeError("metric: expected a function metric(outputs, targets) -> float")
        for value, choices, what in ((weights, ("symmetric", "asymmetric"), "weights"),
                                     (granularity, ("per-channel", "per-tensor"), "granularity"),
                                     (activations, ("symmetric", "asymmetric"), "activations")):
            if value not in choices:
                raise ValueError(f"{what}: expected one of {', '.join(choices)}, got {value!r}")
        if finetune_steps and finetune_loader is None:
            raise ValueError("finetune_steps needs finetune_loader: training batches (fine-tuning on the "
                             "evaluation data would overstate the accuracy)")
        self.model = model
        self.loader = loader
        self.finetune_loader = finetune_loader
        self.higher_is_better = bool(higher_is_better)
        self.metric = metric
        self.explicit = dict(layers or {})
        self.weights_symmetric = weights == "symmetric"
        self.per_channel = granularity == "per-channel"
        self.activations_symmetric = activations == "symmetric"
        self.calibration_batches = int(calibration_batches)
        self.finetune_steps = int(finetune_steps)
        self.finetune_lr = float(finetune_lr)
        self.loss = loss or torch.nn.functional.cross_entropy
        self.cache: Dict[Tuple, float] = {}
        self.evaluations = 0
        self._baseline: Optional[float] = None
        self._modules: Dict[str, str] = {}  # qloop layer -> module path
        self._ranges: Dict[str, Tuple[float, float]] = {}  # module path -> input range

    @property
    def device(self) -> torch.device:
        for p in self.model.parameters():
            return p.device
        return torch.device("cpu")

    # --- the model on the data ---
    def _batches(self, loader: Optional[Iterable] = None):
        count = 0
        for batch in self.loader if loader is None else loader:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise InputError("loader: expected (inputs, targets) batches")
            count += 1
            yield batch
        if count == 0:
            raise InputError("loader: it yields no batch")

    def _measure(self, model: torch.nn.Module) -> float:
        model.eval()
        outputs, targets = [], []
        with torch.no_grad():
            for x, y in self._batches():
                outputs.append(model(x.to(self.device)).cpu())
                targets.append(y.cpu() if isinstance(y, torch.Tensor) else torch.as_tensor(y))
        value = self.metric(torch.cat(outputs), torch.cat(targets))
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"metric: expected a finite number, got {value!r}")
        return float(value)

    @property
    def baseline(self) -> float:
        """The float model's metric."""
        if self._baseline is None:
            self._baseline = self._measure(self.model)
        return self._baseline

    # --- qloop layers to modules ---
    def _resolve(self, names: List[str]) -> None:
        named = dict(self.model.named_modules())
        missing = []
        for name in names:
            if name in self._modules:
                continue
            with_weights = {n: m for n, m in named.items() if isinstance(getattr(m, "weight", None), torch.Tensor)}
            path = self.explicit.get(name, _module_of_layer(name, with_weights))
            if path is None or path not in with_weights:
                missing.append(name)
            elif path in self._modules.values():
                other = next(n for n, p in self._modules.items() if p == path)
                raise InputError(f"the network's layers {other} and {name} are both the module {path}: give each "
                                 f"its own with layers={{qloop layer: module}}")
            else:
                self._modules[name] = path
        if missing:
            candidates = [n for n, m in named.items() if n and isinstance(getattr(m, "weight", None), torch.Tensor)]
            raise InputError(f"no module of the model for the network's layers {', '.join(missing)}; give them as "
                             f"layers={{qloop layer: module}} (modules with weights: {', '.join(candidates)})")

    def _calibrate(self) -> None:
        """The range of the tensor entering each mapped module, on the float model."""
        wanted = [p for p in set(self._modules.values()) if p not in self._ranges]
        if not wanted:
            return
        named = dict(self.model.named_modules())
        seen: Dict[str, List[float]] = {p: [math.inf, -math.inf] for p in wanted}
        hooks = []
        for path in wanted:
            def record(module, inputs, path=path):
                x = inputs[0].detach()
                seen[path][0] = min(seen[path][0], x.min().item())
                seen[path][1] = max(seen[path][1], x.max().item())
            hooks.append(named[path].register_forward_pre_hook(record))
        self.model.eval()
        try:
            with torch.no_grad():
                for x, _ in itertools.islice(self._batches(), max(self.calibration_batches, 1)):
                    self.model(x.to(self.device))
        finally:
            for h in hooks:
                h.remove()
        for path, (lo, hi) in seen.items():
            if not math.isfinite(lo) or not math.isfinite(hi):
                layer = next(n for n, p in self._modules.items() if p == path)
                raise InputError(f"module {path} (layer {layer}) did not run on the calibration batches, so its "
                                 f"inputs have no range")
            self._ranges[path] = (lo, hi)

    # --- one configuration ---
    def _quantized(self, config: List[Mapping[str, Any]]) -> torch.nn.Module:
        model = copy.deepcopy(self.model)
        named = dict(model.named_modules())
        for layer in config:
            path = self._modules[layer["layer"]]
            module = named[path]
            w_bits, i_bits = int(layer.get("Weights", _FLOAT_BITS)), int(layer.get("Inputs", _FLOAT_BITS))
            if w_bits < _FLOAT_BITS:
                torch.nn.utils.parametrize.register_parametrization(
                    module, "weight", _FakeQuantWeight(_weight_quantizer(w_bits, self.weights_symmetric,
                                                                         self.per_channel)))
            if i_bits < _FLOAT_BITS:
                lo, hi = self._ranges[path]
                quantize = _activation_quantizer(i_bits, lo, hi, self.activations_symmetric)
                module.register_forward_pre_hook(lambda m, inputs, q=quantize: (q(inputs[0]),) + tuple(inputs[1:]))
        return model

    def _finetune(self, model: torch.nn.Module) -> None:
        model.train()
        optimizer = torch.optim.SGD(model.parameters(), lr=self.finetune_lr, momentum=0.9)
        steps = 0
        while steps < self.finetune_steps:
            for x, y in self._batches(self.finetune_loader):
                optimizer.zero_grad()
                self.loss(model(x.to(self.device)), torch.as_tensor(y).to(self.device)).backward()
                optimizer.step()
                steps += 1
                if steps >= self.finetune_steps:
                    break

    def accuracy(self, config: List[Mapping[str, Any]]) -> float:
        """The metric of the model quantized as `config` says (cached)."""
        key = tuple(sorted((c["layer"], int(c.get("Weights", _FLOAT_BITS)), int(c.get("Inputs", _FLOAT_BITS)))
                           for c in config))
        if key in self.cache:
            return self.cache[key]
        self._resolve([c["layer"] for c in config])
        self._calibrate()
        model = self._quantized(config)
        if self.finetune_steps > 0:
            self._finetune(model)
        value = self._measure(model)
        self.cache[key] = value
        self.evaluations += 1
        return value

    def __call__(self, config: List[Mapping[str, Any]]) -> float:
        """How much worse than the float model (what explore minimises)."""
        drop = self.baseline - self.accuracy(config)
        return drop if self.higher_is_better else -drop


def evaluator(model: torch.nn.Module, loader: Iterable, metric: Callable[[Any, Any], float], **options) -> Evaluator:
    """An :class:`Evaluator` (see the module's help for the options)."""
    return Evaluator(model, loader, metric, **options)


def top1(outputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Top-1 accuracy in percent: a ready-made metric."""
    return 100.0 * (outputs.argmax(dim=1) == targets).float().mean().item()
