"""Type stubs of the lockstep package."""

import os
from typing import Any, Callable, Dict, List, Literal, Optional, Sequence, Tuple, Union, overload

import pandas
import pyarrow

__version__: str

Posts = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], Any]

class LockstepError(Exception): ...
class UsageError(LockstepError, ValueError): ...

@overload
def read(
    paths: Posts,
    format: str = ...,
    *,
    return_rejected: Literal[False] = ...,
    map: Optional[Dict[str, str]] = ...,
    time_format: Optional[str] = ...,
    time_zone: Optional[str] = ...,
    crawl_time: Optional[str] = ...,
    platform: Optional[str] = ...,
    delimiter: Optional[str] = ...,
    strict: bool = ...,
    max_record_mib: int = ...,
) -> pyarrow.Table: ...
@overload
def read(
    paths: Posts,
    format: str = ...,
    *,
    return_rejected: Literal[True],
    map: Optional[Dict[str, str]] = ...,
    time_format: Optional[str] = ...,
    time_zone: Optional[str] = ...,
    crawl_time: Optional[str] = ...,
    platform: Optional[str] = ...,
    delimiter: Optional[str] = ...,
    strict: bool = ...,
    max_record_mib: int = ...,
) -> Tuple[pyarrow.Table, pyarrow.Table]: ...
def network(
    posts: Posts,
    behaviour: Union[str, Sequence[str]],
    window: float,
    min_weight: int = ...,
    semantics: str = ...,
    **options: Any,
) -> pandas.DataFrame: ...

class Analysis:
    dir: Optional[str]
    def __init__(self, native: Any = ..., directory: Optional[str] = ...) -> None: ...
    @property
    def campaigns(self) -> List[Dict[str, Any]]: ...
    @property
    def set_aside(self) -> List[Dict[str, Any]]: ...
    @property
    def accounts(self) -> pandas.DataFrame: ...
    @property
    def edges(self) -> pandas.DataFrame: ...
    @property
    def evidence(self) -> pandas.DataFrame: ...
    @property
    def coordinated_posts(self) -> pandas.DataFrame: ...
    @property
    def summary(self) -> Dict[str, Any]: ...
    @property
    def narratives(self) -> Dict[str, Any]: ...
    @property
    def echo(self) -> Dict[str, Any]: ...
    def arrow(self, name: str) -> pyarrow.Table: ...
    def graph(self) -> Any: ...
    def write(self, directory: Union[str, os.PathLike]) -> str: ...
    def _repr_html_(self) -> str: ...

def load(directory: Union[str, os.PathLike]) -> Analysis: ...
def analyze(
    posts: Posts,
    out: Optional[Union[str, os.PathLike]] = ...,
    *,
    progress: Union[Literal["auto"], bool, Callable[[str, int, int], Any]] = ...,
    **options: Any,
) -> Analysis: ...
