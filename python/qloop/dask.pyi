from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import Source, Sources

def layer_jobs(net: Source, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = ...,
               set: Optional[Mapping[str, int]] = ...,
               densities: Union[None, str, Mapping[str, Any]] = ...) -> List[Dict[str, Any]]: ...
def sweep(client: Any, net: Source, arch: Sources, bits: Union[str, Sequence[str]],
          layers: Optional[Sequence[str]] = ..., seed: Optional[int] = ..., time_limit: Optional[float] = ...,
          cache: Optional[Dict[str, Any]] = ...,
          progress: Optional[Callable[[int, int], None]] = ...,
          set: Optional[Mapping[str, int]] = ...,
          densities: Union[None, str, Mapping[str, Any]] = ...) -> List[Dict[str, Any]]: ...
def explore(client: Any, net: Source, arch: Sources, bit_choices: Optional[Iterable[int]] = ...,
            objectives: Optional[Sequence[str]] = ..., population: Optional[int] = ..., offspring: Optional[int] = ...,
            generations: Optional[int] = ..., seed: Optional[int] = ...,
            sensitivity: Optional[Mapping[str, Mapping[str, float]]] = ..., exact_mapping: bool = ...,
            layers: Optional[Sequence[str]] = ..., time_limit: Optional[float] = ...,
            progress: Optional[Callable[[int, int], None]] = ...,
            accuracy: Optional[Callable[[List[Dict[str, Any]]], float]] = ...,
            set: Optional[Mapping[str, int]] = ...,
            densities: Union[None, str, Mapping[str, Any]] = ...) -> Dict[str, Any]: ...
