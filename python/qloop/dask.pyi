from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import Source, Sources

def layer_jobs(net: Source, bits: Union[str, Sequence[str]], layers: Optional[Sequence[str]] = ...) -> List[Dict[str, Any]]: ...
def sweep(client: Any, net: Source, arch: Sources, bits: Union[str, Sequence[str]],
          layers: Optional[Sequence[str]] = ..., seed: int = ..., time_limit: Optional[float] = ...,
          cache: Optional[Dict[str, Any]] = ...,
          progress: Optional[Callable[[int, int], None]] = ...) -> List[Dict[str, Any]]: ...
