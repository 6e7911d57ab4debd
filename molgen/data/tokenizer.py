"""A regex SMILES tokenizer and the token vocabulary models are trained on.

Tokens are: bracket atoms (``[nH]``, ``[C@@H]``, ``[O-]``) as one token, the two-letter
organic-subset halogens ``Cl`` and ``Br``, two-digit ring closures ``%10``, and every other
character on its own (atoms, bonds, branches, ring digits, stereo slashes, dots). Any
character the pattern does not name still becomes a one-character token, so
``"".join(tokenize(s)) == s`` holds for every string.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from molgen.utils.errors import InputError

__all__ = ["BOS", "EOS", "PAD", "SPECIAL_TOKENS", "UNK", "Vocabulary", "tokenize"]

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIAL_TOKENS = (PAD, BOS, EOS, UNK)

_TOKEN = re.compile(r"\[[^\[\]]*\]|Cl|Br|%\d{2}|.", re.DOTALL)


def tokenize(smiles: str) -> list[str]:
    """Split a SMILES string into tokens; joining the tokens gives the string back.

    Args:
        smiles: a SMILES string (not checked for chemical validity).

    Returns:
        The tokens, in order. An empty string gives an empty list.
    """
    return _TOKEN.findall(smiles)


class Vocabulary:
    """Token <-> id mapping with the special tokens ``<pad>``, ``<bos>``, ``<eos>``, ``<unk>``.

    The special tokens always take ids 0-3, in that order. A vocabulary is stored as its
    plain token list (:meth:`to_list`), which is what checkpoints hold.

    Args:
        tokens: the full token list, special tokens first.

    Raises:
        ValueError: the list does not start with the special tokens or repeats a token.
    """

    pad_id = 0
    bos_id = 1
    eos_id = 2
    unk_id = 3

    def __init__(self, tokens: Sequence[str]) -> None:
        tokens = list(tokens)
        if tuple(tokens[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
            raise ValueError(f"a vocabulary must start with {list(SPECIAL_TOKENS)}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("a vocabulary may not repeat a token")
        self._tokens = tokens
        self._ids = {token: i for i, token in enumerate(tokens)}

    @classmethod
    def build(cls, smiles: Iterable[str], min_count: int = 1) -> Vocabulary:
        """Collect the tokens of training SMILES, most frequent first.

        Args:
            smiles: training SMILES strings.
            min_count: tokens seen fewer times than this are left out (they encode as
                ``<unk>``).
        """
        counts = Counter(token for s in smiles for token in tokenize(s))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        kept = [t for t, c in ranked if c >= min_count and t not in SPECIAL_TOKENS]
        return cls([*SPECIAL_TOKENS, *kept])

    def __len__(self) -> int:
        return len(self._tokens)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self._tokens == other._tokens

    def __hash__(self) -> int:
        return hash(tuple(self._tokens))

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    def to_list(self) -> list[str]:
        """The token list (a copy), special tokens first."""
        return list(self._tokens)

    def encode(self, smiles: str, *, add_special: bool = True) -> list[int]:
        """Token ids of ``smiles``; unknown tokens map to ``<unk>``.

        Args:
            smiles: a SMILES string.
            add_special: wrap the ids in ``<bos>`` ... ``<eos>``.
        """
        ids = [self._ids.get(token, self.unk_id) for token in tokenize(smiles)]
        return [self.bos_id, *ids, self.eos_id] if add_special else ids

    def decode(self, ids: Iterable[int]) -> str:
        """The SMILES spelled by ``ids``: stops at ``<eos>``, skips ``<bos>`` and ``<pad>``.

        ``<unk>`` is written as the literal ``<unk>`` so that it cannot pass as valid SMILES.
        """
        out = []
        for i in ids:
            i = int(i)
            if i == self.eos_id:
                break
            if i not in (self.bos_id, self.pad_id):
                out.append(self._tokens[i])
        return "".join(out)

    def save(self, path: str | Path) -> None:
        """Write the token list as a JSON array."""
        Path(path).write_text(json.dumps(self._tokens, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        """Read a vocabulary written by :meth:`save`.

        Raises:
            InputError: the file is missing or is not a vocabulary token list.
        """
        path = Path(path)
        if not path.is_file():
            raise InputError(path, "vocabulary file not found")
        try:
            tokens = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, f"not a JSON vocabulary ({exc})") from None
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise InputError(path, "a vocabulary must be a JSON list of strings")
        try:
            return cls(tokens)
        except ValueError as exc:
            raise InputError(path, str(exc)) from None
