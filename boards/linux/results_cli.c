/* The CLI's `results` command (see results_cli.h). */
#include "results_cli.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ambc/posix.h"

typedef struct {
    FILE *out;
    const cli_results_opts_t *o;
    bool json;         /* --summary --json */
    bool tty;          /* out is a terminal: server text is escaped */
    bool write_failed; /* out refused bytes (a full disk, a closed pipe) */
    /* the progress line */
    bool progress;
    uint64_t bytes, t0_ms, last_ms;
    uint32_t lines;
    /* --blocks: how far the JSON object of the current line is written */
    bool line_open, block_open, value_open;
    uint32_t members; /* members written in the open block */
    uint32_t blocks;  /* blocks written in the open line */
} out_t;

int cli_parse_results_option(int argc, char **argv, int *i, cli_results_opts_t *o, const char **why)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--summary") == 0 || strcmp(opt, "--text") == 0 ||
        strcmp(opt, "--blocks") == 0) {
        *(opt[2] == 's' ? &o->summary : opt[2] == 't' ? &o->text : &o->blocks) = true;
        return 1;
    }
    if (strcmp(opt, "-o") != 0) {
        return 0;
    }
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0') {
        *why = "-o needs a file name";
        return -1;
    }
    o->out_path = argv[++*i];
    return 1;
}

const char *cli_check_results_opts(const cli_results_opts_t *o)
{
    return (int)o->summary + (int)o->text + (int)o->blocks > 1
               ? "--summary, --text and --blocks go one at a time"
               : NULL;
}

/* ---- the progress line ----------------------------------------------------------------------- */

static void progress(out_t *w, bool last)
{
    uint64_t now = ambc_posix_clock()->now_ms(NULL);
    double secs;
    if (!w->progress || (!last && now - w->last_ms < 200)) {
        return;
    }
    w->last_ms = now;
    secs = (double)(now - w->t0_ms) / 1e3;
    fprintf(stderr, "\rambc: results: %" PRIu32 " lines, %.1f MB, %.1f MB/s   ", w->lines,
            (double)w->bytes / 1e6, secs > 0 ? (double)w->bytes / 1e6 / secs : 0.0);
    if (last) {
        fputs("\n", stderr);
    }
}

static ambc_status_t written(out_t *w)
{
    if (ferror(w->out)) {
        w->write_failed = true;
        return AMBC_ERR_ABORTED;
    }
    return AMBC_OK;
}

/* ---- the summary as JSON members ---------------------------------------------------------- */

typedef struct {
    uint32_t bit;
    const char *key;
    size_t offset;
} field_t;

#define STR(bit, key, member)                                                                      \
    {                                                                                              \
        bit, key, offsetof(ambc_result_t, member)                                                  \
    }

static void json_strings(FILE *f, const ambc_result_t *r, const field_t *t, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (r->present & t[i].bit) {
            fprintf(f, ",\"%s\":", t[i].key);
            if (r->null & t[i].bit) {
                fputs("null", f);
            } else {
                cli_print_json_string(f, (const char *)r + t[i].offset);
            }
        }
    }
}

/* "custom_id":...,"type":... and the members the line had (null where it was null); then
 * the counts ambc adds: block_count and the bytes of text, thinking and tool input. */
static void json_summary(FILE *f, const ambc_result_t *r)
{
    static const field_t message[] = {
        STR(AMBC_RESULT_F_MESSAGE_ID, "message_id", message_id),
        STR(AMBC_RESULT_F_MODEL, "model", model),
        STR(AMBC_RESULT_F_STOP_REASON, "stop_reason", stop_reason),
        STR(AMBC_RESULT_F_STOP_SEQUENCE, "stop_sequence", stop_sequence)};
    static const field_t error[] = {
        STR(AMBC_RESULT_F_ERROR_TYPE, "error_type", error_type_text),
        STR(AMBC_RESULT_F_ERROR_MESSAGE, "error_message", error_message),
        STR(AMBC_RESULT_F_REQUEST_ID, "request_id", request_id)};
    static const field_t usage[] = {
        STR(AMBC_RESULT_F_INPUT_TOKENS, "input_tokens", usage.input_tokens),
        STR(AMBC_RESULT_F_OUTPUT_TOKENS, "output_tokens", usage.output_tokens),
        STR(AMBC_RESULT_F_CACHE_CREATION, "cache_creation_input_tokens",
            usage.cache_creation_input_tokens),
        STR(AMBC_RESULT_F_CACHE_READ, "cache_read_input_tokens", usage.cache_read_input_tokens)};
    size_t i;
    const char *sep = "";
    fputs("\"custom_id\":", f);
    cli_print_json_string(f, r->custom_id);
    fputs(",\"type\":", f);
    cli_print_json_string(f, r->type_text);
    json_strings(f, r, message, sizeof(message) / sizeof(message[0]));
    if (r->present & AMBC_RESULT_F_USAGE) {
        fputs(",\"usage\":{", f);
        for (i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
            uint64_t v;
            if (!(r->present & usage[i].bit)) {
                continue;
            }
            memcpy(&v, (const char *)r + usage[i].offset, sizeof(v));
            fprintf(f, "%s\"%s\":", sep, usage[i].key);
            if (r->null & usage[i].bit) {
                fputs("null", f);
            } else {
                fprintf(f, "%" PRIu64, v);
            }
            sep = ",";
        }
        fputs("}", f);
    }
    json_strings(f, r, error, sizeof(error) / sizeof(error[0]));
    fprintf(f,
            ",\"block_count\":%" PRIu32 ",\"text_bytes\":%" PRIu64 ",\"thinking_bytes\":%" PRIu64
            ",\"input_bytes\":%" PRIu64,
            r->blocks, r->text_bytes, r->thinking_bytes, r->input_bytes);
    if (r->truncated) {
        fputs(",\"truncated\":true", f);
    }
}

/* ---- --blocks: one object per line, streamed (the summary comes last) --------------------- */

static void open_line(out_t *w, uint32_t line)
{
    if (!w->line_open) {
        fprintf(w->out, "{\"line\":%" PRIu32 ",\"blocks\":[", line);
        w->line_open = true;
        w->blocks = 0;
    }
}

static void open_member(out_t *w, uint32_t line, const char *key)
{
    open_line(w, line);
    if (!w->block_open) {
        fputs(w->blocks > 0 ? ",{" : "{", w->out);
        w->block_open = true;
        w->members = 0;
    }
    fprintf(w->out, "%s\"%s\":", w->members++ > 0 ? "," : "", key);
}

static void blocks_chunk(out_t *w, const ambc_result_chunk_t *ch)
{
    static const char *const keys[] = {"text", "thinking", "input"};
    bool text = ch->kind != AMBC_CHUNK_TOOL_INPUT;
    if (!w->value_open) {
        open_member(w, ch->line, keys[ch->kind]);
        w->value_open = true;
        if (text) {
            fputc('"', w->out);
        }
    }
    if (text) {
        cli_print_json_bytes(w->out, ch->data, ch->len);
    } else {
        fwrite(ch->data, 1, ch->len, w->out); /* the input's JSON text, as sent */
    }
    if (ch->last) {
        w->value_open = false;
        if (text) {
            fputc('"', w->out);
        }
    }
}

static void blocks_end(out_t *w, const ambc_result_block_t *b)
{
    open_member(w, b->line, "index");
    fprintf(w->out, "%" PRIu32 ",\"type\":", b->index);
    cli_print_json_string(w->out, b->type_text);
    if (b->tool_id[0] != '\0') {
        fputs(",\"id\":", w->out);
        cli_print_json_string(w->out, b->tool_id);
    }
    if (b->tool_name[0] != '\0') {
        fputs(",\"name\":", w->out);
        cli_print_json_string(w->out, b->tool_name);
    }
    fputc('}', w->out);
    w->block_open = false;
    w->blocks++;
}

/* ---- the handler ------------------------------------------------------------------------------
 */

static void table_row(FILE *f, const ambc_result_t *r)
{
    size_t shown = cli_put_text(f, r->custom_id);
    fprintf(f, "%*s %-10s ", shown < 24 ? (int)(24 - shown) : 0, "",
            ambc_result_type_name(r->type));
    shown = cli_put_text(f, r->stop_reason[0] != '\0' ? r->stop_reason : "-");
    fprintf(f, "%*s %10" PRIu64 " %10" PRIu64 " %12" PRIu64 "\n",
            shown < 14 ? (int)(14 - shown) : 0, "", r->usage.input_tokens, r->usage.output_tokens,
            r->text_bytes);
}

static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
{
    out_t *w = ctx;
    w->lines++;
    if (w->o->blocks) {
        open_line(w, r->line);
        fputs("],", w->out);
        json_summary(w->out, r);
        fputs("}\n", w->out);
        w->line_open = false;
    } else if (w->o->summary && w->json) {
        fprintf(w->out, "{\"line\":%" PRIu32 ",", r->line);
        json_summary(w->out, r);
        fputs("}\n", w->out);
    } else if (w->o->summary) {
        table_row(w->out, r);
    }
    return written(w);
}

static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    out_t *w = ctx;
    if (w->o->blocks) {
        blocks_chunk(w, ch);
    } else if (ch->kind == AMBC_CHUNK_TEXT) { /* --text */
        if (w->tty) {
            cli_put_text_bytes(w->out, ch->data, ch->len, true);
        } else {
            fwrite(ch->data, 1, ch->len, w->out);
        }
        if (ch->last) {
            fputc('\n', w->out);
        }
    }
    return written(w);
}

static ambc_status_t on_block(void *ctx, const ambc_result_block_t *b)
{
    out_t *w = ctx;
    blocks_end(w, b);
    return written(w);
}

static ambc_status_t on_bytes(void *ctx, const uint8_t *data, size_t len)
{
    out_t *w = ctx;
    w->bytes += len;
    progress(w, false);
    if (w->o->summary || w->o->text || w->o->blocks) {
        return AMBC_OK;
    }
    fwrite(data, 1, len, w->out); /* the JSONL as the server sent it */
    return written(w);
}

ambc_status_t cli_results(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                          const cli_results_opts_t *o)
{
    out_t w;
    ambc_results_params_t p;
    ambc_status_t st;
    memset(&w, 0, sizeof(w));
    w.o = o;
    w.json = a->json;
    w.out = o->out_path != NULL ? fopen(o->out_path, "wb") : stdout;
    if (w.out == NULL) {
        fprintf(stderr, "ambc: cannot open %s for writing\n", o->out_path);
        return AMBC_ERR_INVALID_ARG;
    }
    w.tty = isatty(fileno(w.out)) != 0;
    w.progress = isatty(2) != 0 && !w.tty; /* not over results shown on a terminal */
    w.t0_ms = ambc_posix_clock()->now_ms(NULL);
    memset(&p, 0, sizeof(p));
    p.handler.on_result = on_result;
    p.handler.on_chunk = o->text || o->blocks ? on_chunk : NULL;
    p.handler.on_block = o->blocks ? on_block : NULL;
    p.handler.ctx = &w;
    p.on_bytes = on_bytes;
    p.bytes_ctx = &w;
    if (o->summary && !a->json) {
        fprintf(w.out, "%-24s %-10s %-14s %10s %10s %12s\n", "CUSTOM_ID", "TYPE", "STOP_REASON",
                "IN_TOKENS", "OUT_TOKENS", "TEXT_BYTES");
    }
    st = ambc_batches_results(c, id, &p);
    progress(&w, true);
    if (fflush(w.out) != 0) {
        w.write_failed = true;
    }
    if (o->out_path != NULL && fclose(w.out) != 0) {
        w.write_failed = true;
    }
    if (w.write_failed) {
        fprintf(stderr, "ambc: cannot write %s\n", o->out_path != NULL ? o->out_path : "stdout");
    } else if (st == AMBC_ERR_RESULTS_NOT_READY) {
        fprintf(stderr, "ambc: the batch has not ended: no results yet ('ambc wait ID')\n");
    } else if (st != AMBC_OK && ambc_client_error_index(c) != UINT32_MAX) {
        fprintf(stderr, "ambc: results line %" PRIu32 " refused\n", ambc_client_error_index(c));
    }
    return st;
}
