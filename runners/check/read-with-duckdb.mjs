// Reads a trainset output folder with DuckDB (a reader trainset does not control) and prints
// what it found as one JSON object: the Parquet rows with their Hive partition column, the
// huggingface folder's rows, and the JSON lines rows, each sorted by id.
// usage: node read-with-duckdb.mjs OUTPUT_DIR PARTITION_KEY
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, key] = process.argv.slice(2);
const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();

const result = {
  parquet: await rows(`SELECT id, split, ${key} AS partition, weight, instruction, input, output,
      metadata.lang AS meta_lang, metadata.info AS meta_info
    FROM read_parquet('${dir}/parquet/**/*.parquet', hive_partitioning = true,
      hive_types_autocast = false) ORDER BY id`),
  huggingface: await rows(`SELECT id, split, regexp_extract(filename, '([a-z]+)-\\d{5}-of-\\d{5}\\.parquet$', 1)
      AS file_split, weight, instruction, output, metadata.lang AS meta_lang,
      metadata.info AS meta_info
    FROM read_parquet('${dir}/huggingface/data/*.parquet', filename = true) ORDER BY id`),
  jsonl: await rows(`SELECT id, split, weight, instruction, output
    FROM read_json('${dir}/jsonl/**/*.jsonl', format = 'newline_delimited',
      hive_partitioning = false) ORDER BY id`),
};
console.log(JSON.stringify(result));
