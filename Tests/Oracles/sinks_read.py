"""Reads a file written by PredictionSinks with independent readers and prints what each saw.

Usage: sinks_read.py parquet|csv|jsonl PATH...
Prints JSON: a list with, per file, {"readers": {name: {column: [value per row]}}, "parquet": {...}}.
Columns are listed in the order the reader reports them ("columns" says which). Every float is printed as `float.hex()` ("nan", "inf"
included) so the Swift side compares bits, not decimal spellings. Parquet floats are float32 and
come through untouched; text formats promise a decimal that rounds back to the written float32,
so their floats are rounded to float32 (numpy) after the reader parsed them as doubles. Readers:
  parquet: pyarrow (pq.read_table), duckdb (read_parquet), pandas (pd.read_parquet)
  csv:     pandas_text (read_csv, every cell as text), pandas (read_csv with type inference), csv module
  jsonl:   json (strict: NaN/Infinity rejected), pandas (read_json lines=True, precise_float)
"""
import csv
import json
import math
import os
import struct
import sys

import numpy as np

INT_COLUMNS = {"class_index", "top_k_indices", "true_index"}
FLOAT_COLUMNS = {"confidence", "top_k_probs", "logits", "embedding"}
LIST_COLUMNS = {"top_k_labels", "top_k_indices", "top_k_probs", "logits", "embedding"}
ROUND_TO_FLOAT32 = False  # set for the text formats, see above


def is_missing(value):
    if value is None:
        return True
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:
        pass
    return False


def scalar(column, value, nan_is_null):
    """Normalises one scalar: ints as ints, floats as hex strings, strings as strings."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value) and nan_is_null:
        return None
    if column in INT_COLUMNS:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else repr(value)
    if column in FLOAT_COLUMNS:
        if ROUND_TO_FLOAT32 and isinstance(value, float):
            value = float(np.float32(value))
        return float(value).hex() if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
    return value if isinstance(value, str) else repr(value)


def cell(column, value, nan_is_null=False):
    """Normalises a cell; `nan_is_null` for readers (pandas) whose scalar nulls are NaN."""
    if column in LIST_COLUMNS:
        if is_missing(value) or (isinstance(value, float) and math.isnan(value)):
            return None
        return [scalar(column, v, False) for v in list(value)]
    return scalar(column, value, nan_is_null)


def columns_of(data, nan_is_null=False):
    """Column name -> normalised values, in the reader's column order."""
    return {"columns": list(data), "values": {c: [cell(c, v, nan_is_null) for v in vs] for c, vs in data.items()}}


# MARK: - Parquet

def read_parquet(path):
    import duckdb
    import pandas as pd
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    table.validate(full=True)
    readers = {"pyarrow": columns_of(table.to_pydict())}

    relation = duckdb.execute("select * from read_parquet(?)", [path])
    names = [d[0] for d in relation.description]
    records = relation.fetchall()
    readers["duckdb"] = columns_of({n: [r[i] for r in records] for i, n in enumerate(names)})

    frame = pd.read_parquet(path)
    readers["pandas"] = columns_of({c: frame[c].tolist() for c in frame.columns}, nan_is_null=True)
    return {"readers": readers, "parquet": footer_facts(path, table)}


def footer_facts(path, table):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    md = pf.metadata
    chunks = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for c in range(rg.num_columns):
            ch = rg.column(c)
            chunks.append({
                "row_group": g, "path": ch.path_in_schema, "compression": ch.compression,
                "num_values": ch.num_values, "data_page_offset": ch.data_page_offset,
                "total_compressed_size": ch.total_compressed_size,
                "total_uncompressed_size": ch.total_uncompressed_size,
                "encodings": list(ch.encodings), "physical_type": ch.physical_type,
            })
    leaves = [{
        "path": pf.schema.column(i).path, "max_definition_level": pf.schema.column(i).max_definition_level,
        "max_repetition_level": pf.schema.column(i).max_repetition_level,
        "logical_type": str(pf.schema.column(i).logical_type),
        "converted_type": str(pf.schema.column(i).converted_type),
    } for i in range(len(pf.schema))]
    return {
        "num_rows": md.num_rows,
        "row_group_rows": [md.row_group(g).num_rows for g in range(md.num_row_groups)],
        "created_by": md.created_by,
        # pyarrow hands key-value metadata over as a dict; DuckDB lists it in file order
        "key_value": {k.decode(): v.decode() for k, v in (md.metadata or {}).items()},
        "key_value_in_order": key_value_in_file_order(path),
        "arrow_schema": {f.name: str(f.type) for f in table.schema},
        "leaves": leaves,
        "chunks": chunks,
        "chunks_tile_file": chunks_tile_file(path, chunks),
    }


def key_value_in_file_order(path):
    import duckdb

    rows = duckdb.execute("select key, value from parquet_kv_metadata(?)", [path]).fetchall()
    return [[bytes(k).decode(), bytes(v).decode()] for k, v in rows]


def chunks_tile_file(path, chunks):
    """True when the chunks' [offset, offset + compressed size) ranges cover the bytes between the
    leading magic and the footer exactly, with no gap or overlap: the sizes are exact."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(size - 8)
        footer_len, tail = struct.unpack("<I4s", f.read(8))
    if head != b"PAR1" or tail != b"PAR1":
        return False
    position = 4
    for ch in sorted(chunks, key=lambda c: c["data_page_offset"]):
        if ch["data_page_offset"] != position:
            return False
        position += ch["total_compressed_size"]
    return position == size - 8 - footer_len


# MARK: - CSV and JSONL

def read_csv(path):
    import pandas as pd

    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    readers = {"pandas_text": text_columns({c: text[c].tolist() for c in text.columns})}

    typed = pd.read_csv(path)
    readers["pandas"] = {"columns": list(typed.columns), "values": {
        c: [typed_csv_cell(c, v) for v in typed[c].tolist()] for c in typed.columns}}

    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        records = list(reader)
    readers["csv"] = text_columns({c: [r[i] for r in records] for i, c in enumerate(header)})
    return {"readers": readers}


def text_columns(data):
    return {"columns": list(data), "values": {c: [parse_text(c, v) for v in vs] for c, vs in data.items()}}


def parse_text(column, text):
    """A CSV cell as written: empty is null, lists are JSON, numbers parsed by Python."""
    if text == "":
        return None
    if column in LIST_COLUMNS:
        return cell(column, json.loads(text))
    if column in INT_COLUMNS:
        return int(text)
    if column in FLOAT_COLUMNS:
        return scalar(column, float(text), False)
    return text


def typed_csv_cell(column, value):
    if column in LIST_COLUMNS and isinstance(value, str):
        return cell(column, json.loads(value))
    return cell(column, value, nan_is_null=True)


def read_jsonl(path):
    import pandas as pd

    def reject(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    with open(path, encoding="utf-8") as f:
        objects = [json.loads(line, parse_constant=reject) for line in f]
    keys = [list(o.keys()) for o in objects]
    if any(k != keys[0] for k in keys):
        raise ValueError("lines disagree on their keys")
    columns = keys[0] if keys else []
    readers = {"json": columns_of({c: [o[c] for o in objects] for c in columns})}
    readers["pandas"] = columns_of({})  # read_json refuses an empty file; nothing is what it holds
    if objects:
        frame = pd.read_json(path, lines=True, dtype=False, convert_dates=False, precise_float=True)
        readers["pandas"] = columns_of({c: frame[c].tolist() for c in frame.columns}, nan_is_null=True)
    return {"readers": readers}


if __name__ == "__main__":
    kind, paths = sys.argv[1], sys.argv[2:]
    ROUND_TO_FLOAT32 = kind != "parquet"
    read = {"parquet": read_parquet, "csv": read_csv, "jsonl": read_jsonl}[kind]
    sys.stdout.write(json.dumps([read(path) for path in paths]))
