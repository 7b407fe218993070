import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

Source = Union[str, os.PathLike[str], Mapping[str, Any]]
Sources = Union[Source, Sequence[Source]]
Bits = Union[None, str, Mapping[str, Any]]

class InputError(ValueError): ...

class Interrupted(KeyboardInterrupt):
    result: Any
    def __init__(self, result: Any) -> None: ...

def load(path: Union[str, os.PathLike[str]]) -> Dict[str, Any]: ...
def evaluate(arch: Sources, problem: Sources, mapping: Sources, ert: Optional[Sources] = ...,
             art: Optional[Sources] = ..., variables: Optional[Mapping[str, Any]] = ...) -> Dict[str, Any]: ...
def search(arch: Sources, problem: Sources, constraints: Optional[Sources] = ..., mapper: Optional[Sources] = ...,
           metrics: Union[None, str, Sequence[str]] = ..., threads: Optional[int] = ..., seed: Optional[int] = ...,
           time_limit: Optional[float] = ..., algorithm: Optional[str] = ..., ert: Optional[Sources] = ...,
           art: Optional[Sources] = ..., variables: Optional[Mapping[str, Any]] = ...) -> Dict[str, Any]: ...
def energy(arch: Sources, variables: Optional[Mapping[str, Any]] = ...) -> Dict[str, Any]: ...
def network(net: Source, arch: Sources, bits: Bits = ..., layers: Union[None, str, Sequence[str]] = ...,
            threads: Optional[int] = ..., seed: Optional[int] = ..., time_limit: Optional[float] = ...,
            set: Optional[Mapping[str, int]] = ...) -> Dict[str, Any]: ...
def sweep(net: Source, arch: Sources, bits: Union[str, Sequence[str]], layers: Union[None, str, Sequence[str]] = ...,
          threads: Optional[int] = ..., seed: Optional[int] = ..., time_limit: Optional[float] = ...,
          set: Optional[Mapping[str, int]] = ...) -> List[Dict[str, Any]]: ...
def explore(net: Source, arch: Sources, bit_choices: Optional[Iterable[int]] = ...,
            objectives: Optional[Sequence[str]] = ..., population: Optional[int] = ..., offspring: Optional[int] = ...,
            generations: Optional[int] = ..., seed: Optional[int] = ...,
            sensitivity: Optional[Mapping[str, Mapping[str, float]]] = ..., exact_mapping: bool = ...,
            layers: Union[None, str, Sequence[str]] = ..., threads: Optional[int] = ...,
            time_limit: Optional[float] = ...,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = ...,
            set: Optional[Mapping[str, int]] = ...) -> Dict[str, Any]: ...
def schema() -> str: ...
def import_onnx(path: Union[str, os.PathLike[str]], dims: Optional[Mapping[str, int]] = None) -> Dict[str, Any]: ...
