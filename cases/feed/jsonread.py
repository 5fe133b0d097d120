"""Reading JSON Lines feeds: one object per line, key rules, raw rows and layouts."""

from collections.abc import Iterator
from typing import cast

from cases.feed.convert import (
    _FLAGS,
    JSONL_SNIFF_LINES,
    Plan,
    RecordConverter,
    _flat_roles,
    _json_text,
    _key_twice,
    _position,
    _rejected,
)
from cases.feed.jsonl import json_object, not_jsonl_message, note_party_keys, parse_parties
from cases.feed.schema import (
    FIELDS,
    PARTY_ROLES,
    FeedUnreadable,
    Layout,
    ParsedRecord,
    RawBatch,
    RawRecord,
    RowError,
)


class JsonLinesReading(RecordConverter):
    """The JSON Lines half of FeedReader."""

    # --- JSON Lines ----------------------------------------------------------------------

    def _iter_jsonl(self) -> Iterator[ParsedRecord | RowError]:
        layouts: dict[tuple[str, ...], Layout] = {}
        held: list[RowError] = []  # errors kept back until a line proves this is JSON Lines
        first_line = ""
        proven = False
        row = 0
        for line in self._decoder.lines():
            text = line.strip()
            if not text:
                continue
            row += 1
            self.rows = row
            obj = json_object(row, text)
            if isinstance(obj, dict):
                layout = self._layout_of(obj, layouts)
                if layout.duplicate is not None:
                    result: ParsedRecord | list[RowError] = [_key_twice(row, layout.duplicate)]
                else:
                    result = self._convert_json(row, obj, layout)
                if not proven:
                    proven = True
                    yield from held
                    held.clear()
                yield from self._drain_notices()
                if isinstance(result, list):
                    yield from result
                else:
                    yield result
                continue
            error = obj
            if proven:
                yield error
                continue
            first_line = first_line or text
            held.append(error)
            if len(held) >= JSONL_SNIFF_LINES:
                break
        if held:
            raise FeedUnreadable(not_jsonl_message(first_line, len(held)))

    def _raw_jsonl(self, batch_size: int) -> Iterator[RawBatch]:
        layouts: dict[tuple[str, ...], Layout] = {}
        held: list[RowError] = []  # errors kept back until a line proves this is JSON Lines
        first_line = ""
        proven = False
        records: list[RawRecord] = []
        errors: list[RowError] = []
        row = 0
        try:
            for line in self._decoder.lines():
                text = line.strip()
                if not text:
                    continue
                row += 1
                obj = json_object(row, text)
                if not isinstance(obj, dict):
                    if proven:
                        errors.append(obj)
                    else:
                        first_line = first_line or text
                        held.append(obj)
                        if len(held) >= JSONL_SNIFF_LINES:
                            break
                        continue
                else:
                    layout = self._layout_of(obj, layouts)
                    if not proven:
                        proven = True
                        errors.extend(held)
                        held.clear()
                    raw = self._raw_json(row, obj, layout, text)
                    if self._notices:  # first found on this row: before its errors
                        errors.extend(self._drain_notices())
                    if isinstance(raw, list):
                        errors.extend(raw)
                    else:
                        records.append(raw)
                if len(records) + len(errors) >= batch_size:
                    self.rows = row
                    yield RawBatch(records, errors, row)
                    records, errors = [], []
        finally:
            self.rows = row
        if held:
            raise FeedUnreadable(not_jsonl_message(first_line, len(held)))
        if records or errors:
            yield RawBatch(records, errors, row)

    def _raw_json(
        self, row: int, obj: dict[str, object], layout: Layout, text: str
    ) -> RawRecord | list[RowError]:
        """Stage one for an object: a RawRecord, or every error of a row rejected here."""
        if layout.duplicate is not None:
            return [_key_twice(row, layout.duplicate)]
        keys = layout.keys
        reference: str | None = ""
        source: str | None = ""
        if layout.reference is not None:
            reference = _json_text(obj[keys[layout.reference]])
        if layout.source is not None:
            source = _json_text(obj[keys[layout.source]])
        if reference is not None and source is not None:
            checked = self._new_key(reference, source, True)
            if checked is not None:
                if layout.parties_index is not None:
                    # Unknown keys inside `parties` are notices that the one-pass API finds
                    # while converting; find them now, whether the row is converted or not.
                    note_party_keys(obj[keys[layout.parties_index]], self._unknown)
                return RawRecord(row, checked, reference, self._digest(text), obj, layout)
        return _rejected(self._convert_json(row, obj, layout))

    def _layout_of(self, obj: dict[str, object], layouts: dict[tuple[str, ...], Layout]) -> Layout:
        keys = tuple(obj)
        layout = layouts.get(keys)
        if layout is None:
            if len(layouts) > 1000:  # a feed with ever-changing key orders: stay bounded
                layouts.clear()
            layout = layouts[keys] = self._json_layout(keys)
        return layout

    def _convert_json(
        self,
        row: int,
        obj: dict[str, object],
        layout: Layout,
        *,
        check_duplicate: bool = True,
        known_duplicate: bool = False,
    ) -> ParsedRecord | list[RowError]:
        """One object (whose layout has no key given twice) to a record, or to the list of
        reasons it is rejected."""
        values = list(obj.values())
        errors: list[RowError] = []
        for index, name, kind, _ in layout.plan:
            value = values[index]
            if type(value) is str:
                continue
            if value is None:
                values[index] = ""
            elif type(value) is int or type(value) is float:
                values[index] = str(value)
            elif kind is _FLAGS and type(value) is list and all(type(t) is str for t in value):
                values[index] = ";".join(value)
            else:
                values[index] = ""
                errors.append(RowError(row, name, f"{name} must be a string"))
        parties = None
        if layout.parties_index is not None:
            parties = parse_parties(
                row, values[layout.parties_index], errors, clean=self._clean, unknown=self._unknown
            )
        # Every cell the plan reads is a str now. Always look for NUL: JSON can carry one as
        # "\u0000" in otherwise clean text.
        return self._convert(
            row,
            cast(list[str], values),
            layout,
            errors,
            parties,
            True,
            check_duplicate=check_duplicate,
            known_duplicate=known_duplicate,
        )

    def _json_layout(self, keys: tuple[str, ...]) -> Layout:
        plan: Plan = []
        seen: set[str] = set()
        parties_index = None
        duplicate = None
        for index, key in enumerate(keys):
            name = key.strip().lower()
            if name in seen:
                duplicate = name
            seen.add(name)
            spec = FIELDS.get(name)
            if spec is not None:
                plan.append((index, name, spec.kind, spec.limit))
            elif name == "parties":
                parties_index = index
            else:
                self._unknown(name)
        present = frozenset(entry[1] for entry in plan)
        roles = _flat_roles(present)
        if parties_index is not None:
            present |= {"parties"}
            roles = PARTY_ROLES
        return Layout(
            plan,
            present,
            roles,
            parties_index,
            duplicate,
            reference=_position(plan, "reference"),
            source=_position(plan, "source"),
            keys=keys,
        )
