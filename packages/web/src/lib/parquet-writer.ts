/** The one entry to hyparquet-writer: imported dynamically, so the bundler gives it a chunk of its own. */
export { parquetWriteBuffer } from 'hyparquet-writer';
