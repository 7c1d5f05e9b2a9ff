// Tiny WASI programs (wasm32-wasip1 modules, assembled here byte by byte) that
// stand in for the book's runner module in the Run form's checks
// (runner-paths.mjs): they print, wait, spin forever or write files on cue,
// so each path of book/theme/run.js can be driven without the real module.
//
// stubModule(steps) returns the module's bytes; each step is one of
//   ['out', text] / ['err', text]   write text to stdout / stderr
//   ['argc']                        write "argc=N\n" to stdout (N < 10)
//   ['sleep', ms]                   busy-wait (clock_time_get, monotonic)
//   ['spinIfArgs']                  loop forever if any flag was given
//   ['spin']                        loop forever
//   ['file', name, text]            write a file in the preopened folder
//   ['exit', code]                  proc_exit(code)
// A program that reaches its end returns from _start (exit code 0).

const enc = new TextEncoder();

function uleb(n) {
    const out = [];
    do {
        let b = n & 0x7f;
        n >>>= 7;
        if (n) b |= 0x80;
        out.push(b);
    } while (n);
    return out;
}

function sleb(n) {
    n = BigInt(n);
    const out = [];
    for (;;) {
        const b = Number(n & 0x7fn);
        n >>= 7n;
        if ((n === 0n && !(b & 0x40)) || (n === -1n && (b & 0x40))) { out.push(b); return out; }
        out.push(b | 0x80);
    }
}

const str = (s) => { const b = [...enc.encode(s)]; return [...uleb(b.length), ...b]; };
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];

const I32 = 0x7f, I64 = 0x7e;
const IMPORTS = [
    ['fd_write', [I32, I32, I32, I32], [I32]],
    ['clock_time_get', [I32, I64, I32], [I32]],
    ['args_sizes_get', [I32, I32], [I32]],
    ['path_open', [I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]],
    ['fd_close', [I32], [I32]],
    ['proc_exit', [I32], []],
];
const [FD_WRITE, CLOCK, ARGS_SIZES, PATH_OPEN, FD_CLOSE, PROC_EXIT] = IMPORTS.keys();

// Scratch memory: iov at 0, nwritten at 8, a time at 16, argc at 32,
// argv's size at 36, an opened fd at 40; strings from 1024 on.
const i32c = (n) => [0x41, ...sleb(n)];
const i64c = (n) => [0x42, ...sleb(n)];
const call = (f) => [0x10, ...uleb(f)];
const DROP = 0x1a;
const store32 = [0x36, 2, 0], load32 = [0x28, 2, 0], load64 = [0x29, 3, 0], store8 = [0x3a, 0, 0];

export function stubModule(steps) {
    const data = [];
    let next = 1024;
    const place = (bytes) => {
        const at = next;
        data.push([0x00, ...i32c(at), 0x0b, ...uleb(bytes.length), ...bytes]);
        next += bytes.length + 8;
        return at;
    };
    // fd: a number, or null for the fd in local 1
    const write = (fd, at, len) => [
        ...i32c(0), ...i32c(at), ...store32, ...i32c(4), ...i32c(len), ...store32,
        ...(fd === null ? [0x20, 1] : i32c(fd)), ...i32c(0), ...i32c(1), ...i32c(8), ...call(FD_WRITE), DROP,
    ];
    const now = [...i32c(1), ...i64c(1), ...i32c(16), ...call(CLOCK), DROP, ...i32c(16), ...load64];
    const body = [];
    for (const [op, a, b] of steps) {
        if (op === 'out' || op === 'err') {
            const bytes = [...enc.encode(a)];
            body.push(...write(op === 'out' ? 1 : 2, place(bytes), bytes.length));
        } else if (op === 'argc') {
            const at = place([...enc.encode('argc=?\n')]);
            body.push(...i32c(32), ...i32c(36), ...call(ARGS_SIZES), DROP,
                ...i32c(at + 5), ...i32c(32), ...load32, ...i32c(48), 0x6a, ...store8,
                ...write(1, at, 7));
        } else if (op === 'sleep') {
            body.push(...now, 0x21, 0, // local 0 = start
                0x03, 0x40, ...now, 0x20, 0, 0x7d, ...i64c(a * 1e6), 0x54, 0x0d, 0, 0x0b);
        } else if (op === 'spinIfArgs') {
            body.push(...i32c(32), ...i32c(36), ...call(ARGS_SIZES), DROP,
                ...i32c(32), ...load32, ...i32c(1), 0x4b, 0x04, 0x40, 0x03, 0x40, 0x0c, 0, 0x0b, 0x0b);
        } else if (op === 'spin') {
            body.push(0x03, 0x40, 0x0c, 0, 0x0b);
        } else if (op === 'file') {
            const name = [...enc.encode(a)], text = [...enc.encode(b)];
            const nameAt = place(name), textAt = place(text);
            body.push(...i32c(3), ...i32c(0), ...i32c(nameAt), ...i32c(name.length), ...i32c(1 | 8),
                ...i64c(0x1fffffff), ...i64c(0x1fffffff), ...i32c(0), ...i32c(40), ...call(PATH_OPEN), DROP,
                ...i32c(40), ...load32, 0x21, 1,
                ...write(null, textAt, text.length), 0x20, 1, ...call(FD_CLOSE), DROP);
        } else if (op === 'exit') {
            body.push(...i32c(a), ...call(PROC_EXIT));
        } else {
            throw new Error('stubModule: unknown step ' + op);
        }
    }
    const types = [...IMPORTS.map(([, p, r]) => [0x60, ...vec(p), ...vec(r)]), [0x60, 0, 0]];
    const code = [...vec([[1, I64], [1, I32]]), ...body, 0x0b];
    const bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        ...section(1, vec(types)),
        ...section(2, vec(IMPORTS.map(([name], i) => [...str('wasi_snapshot_preview1'), ...str(name), 0x00, ...uleb(i)]))),
        ...section(3, vec([uleb(IMPORTS.length)])),
        ...section(5, vec([[0x00, 1]])),
        ...section(7, vec([[...str('memory'), 0x02, 0], [...str('_start'), 0x00, ...uleb(IMPORTS.length)]])),
        ...section(10, vec([[...uleb(code.length), ...code]])),
        ...section(11, vec(data)),
    ];
    return Uint8Array.from(bytes);
}
