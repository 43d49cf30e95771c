/*
 * dev-broker: a Kafka wire-protocol cluster for local runs and tests, built on
 * librdkafka's mock cluster, driven over a line-based TCP control channel.
 *
 *   dev-broker [--brokers N] [--control-port P] [--state-file PATH] [--topic NAME:PARTITIONS]...
 *              [--exit-with-parent]
 *
 * On start it prints one line `ready bootstrap=<host:port,...> control=<host:port>` on stdout
 * (and writes the same facts as JSON to --state-file), then serves control commands, one per
 * line, each answered by one line starting with `ok` or `error`:
 *
 *   bootstrap                          the bootstrap servers
 *   topic <name> <partitions> [<rf>]   create a topic (the mock cluster has no CreateTopics API)
 *   down <broker-id> | up <broker-id>  take a broker down / bring it back
 *   rtt <broker-id> <ms>               add round-trip delay to a broker's responses
 *   errors <api-key> <err> [<err>...]  the next requests of that API key fail with these codes
 *   broker-errors <broker-id> <api-key> <err>:<rtt-ms> [...]
 *   clear-errors <api-key>
 *   leader <topic> <partition> <broker-id>
 *   ping | shutdown
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_CLIENTS 32
#define LINE_MAX_LEN 4096
#define MAX_ERRORS 64

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
}

typedef struct {
        int fd;
        size_t len;
        char buf[LINE_MAX_LEN];
} client_t;

static void reply(int fd, const char *fmt, ...) {
        char out[LINE_MAX_LEN];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(out, sizeof(out) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t)n > sizeof(out) - 2)
                n = (int)sizeof(out) - 2;
        out[n++] = '\n';
        /* Control replies are short; a partial write to a local socket is not expected. */
        if (write(fd, out, (size_t)n) < 0)
                perror("dev-broker: control write");
}

static int parse_int(const char *s, long *out) {
        char *end = NULL;
        if (!s || !*s)
                return -1;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end)
                return -1;
        *out = v;
        return 0;
}

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *name, long parts, long rf) {
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, (int)parts, (int)rf);
        if (err) {
                fprintf(stderr, "dev-broker: topic %s: %s\n", name, rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

/* Handles one command line; returns 1 when the broker should shut down. */
static int handle(rd_kafka_mock_cluster_t *mc, int fd, char *line) {
        char *argv[MAX_ERRORS + 4];
        int argc = 0;
        for (char *tok = strtok(line, " \t\r"); tok && argc < (int)(sizeof(argv) / sizeof(*argv));
             tok = strtok(NULL, " \t\r"))
                argv[argc++] = tok;
        if (argc == 0)
                return 0;
        const char *cmd = argv[0];
        long a = 0, b = 0, c = 0;

        if (!strcmp(cmd, "ping")) {
                reply(fd, "ok pong");
        } else if (!strcmp(cmd, "bootstrap")) {
                reply(fd, "ok %s", rd_kafka_mock_cluster_bootstraps(mc));
        } else if (!strcmp(cmd, "topic") && (argc == 3 || argc == 4) && !parse_int(argv[2], &a)) {
                b = 1;
                if (argc == 4 && parse_int(argv[3], &b))
                        return reply(fd, "error replication factor must be a number"), 0;
                if (create_topic(mc, argv[1], a, b))
                        reply(fd, "error could not create topic %s", argv[1]);
                else
                        reply(fd, "ok topic %s %ld", argv[1], a);
        } else if ((!strcmp(cmd, "down") || !strcmp(cmd, "up")) && argc == 2 && !parse_int(argv[1], &a)) {
                rd_kafka_resp_err_t err = !strcmp(cmd, "down")
                                              ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                              : rd_kafka_mock_broker_set_up(mc, (int32_t)a);
                if (err)
                        reply(fd, "error %s", rd_kafka_err2str(err));
                else
                        reply(fd, "ok %s %ld", cmd, a);
        } else if (!strcmp(cmd, "rtt") && argc == 3 && !parse_int(argv[1], &a) && !parse_int(argv[2], &b)) {
                rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b);
                if (err)
                        reply(fd, "error %s", rd_kafka_err2str(err));
                else
                        reply(fd, "ok rtt %ld %ld", a, b);
        } else if (!strcmp(cmd, "errors") && argc >= 3 && !parse_int(argv[1], &a)) {
                rd_kafka_resp_err_t errs[MAX_ERRORS];
                size_t n = 0;
                for (int i = 2; i < argc && n < MAX_ERRORS; i++) {
                        if (parse_int(argv[i], &b))
                                return reply(fd, "error error codes must be numbers"), 0;
                        errs[n++] = (rd_kafka_resp_err_t)b;
                }
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, n, errs);
                reply(fd, "ok errors %ld %zu", a, n);
        } else if (!strcmp(cmd, "broker-errors") && argc >= 4 && !parse_int(argv[1], &a) &&
                   !parse_int(argv[2], &b)) {
                /* The library takes these as va-args, so push them one tuple at a time. */
                for (int i = 3; i < argc; i++) {
                        char *sep = strchr(argv[i], ':');
                        long rtt = 0;
                        if (sep) {
                                *sep = '\0';
                                if (parse_int(sep + 1, &rtt))
                                        return reply(fd, "error bad rtt in %s", argv[i]), 0;
                        }
                        if (parse_int(argv[i], &c))
                                return reply(fd, "error error codes must be numbers"), 0;
                        rd_kafka_resp_err_t err = rd_kafka_mock_broker_push_request_error_rtts(
                            mc, (int32_t)a, (int16_t)b, 1, (rd_kafka_resp_err_t)c, (int)rtt);
                        if (err)
                                return reply(fd, "error %s", rd_kafka_err2str(err)), 0;
                }
                reply(fd, "ok broker-errors %ld %ld %d", a, b, argc - 3);
        } else if (!strcmp(cmd, "clear-errors") && argc == 2 && !parse_int(argv[1], &a)) {
                rd_kafka_mock_clear_request_errors(mc, (int16_t)a);
                reply(fd, "ok clear-errors %ld", a);
        } else if (!strcmp(cmd, "leader") && argc == 4 && !parse_int(argv[2], &a) && !parse_int(argv[3], &b)) {
                rd_kafka_resp_err_t err = rd_kafka_mock_partition_set_leader(mc, argv[1], (int32_t)a, (int32_t)b);
                if (err)
                        reply(fd, "error %s", rd_kafka_err2str(err));
                else
                        reply(fd, "ok leader %s %ld %ld", argv[1], a, b);
        } else if (!strcmp(cmd, "shutdown")) {
                reply(fd, "ok shutdown");
                return 1;
        } else {
                reply(fd, "error unknown or malformed command: %s", cmd);
        }
        return 0;
}

static void usage(void) {
        fprintf(stderr,
                "usage: dev-broker [--brokers N] [--control-port P] [--state-file PATH] "
                "[--topic NAME:PARTITIONS]... [--exit-with-parent]\n");
        exit(2);
}

int main(int argc, char **argv) {
        long brokers = 3, control_port = 0;
        const char *state_file = NULL;
        const char *topics[256];
        int ntopics = 0;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_int(argv[++i], &brokers) || brokers < 1 || brokers > 16)
                                usage();
                } else if (!strcmp(argv[i], "--control-port") && i + 1 < argc) {
                        if (parse_int(argv[++i], &control_port) || control_port < 0 || control_port > 65535)
                                usage();
                } else if (!strcmp(argv[i], "--state-file") && i + 1 < argc) {
                        state_file = argv[++i];
                } else if (!strcmp(argv[i], "--exit-with-parent")) {
                        /* A test runner killed hard must not leave brokers behind. */
                        if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() == 1)
                                return 1;
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc && ntopics < 256) {
                        topics[ntopics++] = argv[++i];
                } else {
                        usage();
                }
        }

        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, SIG_IGN);

        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "dev-broker: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
        if (!mc) {
                fprintf(stderr, "dev-broker: could not start the mock cluster\n");
                return 1;
        }

        for (int i = 0; i < ntopics; i++) {
                char spec[512];
                snprintf(spec, sizeof(spec), "%s", topics[i]);
                char *sep = strrchr(spec, ':');
                long parts = 1;
                if (sep) {
                        *sep = '\0';
                        if (parse_int(sep + 1, &parts) || parts < 1)
                                usage();
                }
                if (create_topic(mc, spec, parts, brokers < 3 ? brokers : 3))
                        return 1;
        }

        int lfd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_in addr = {0};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons((uint16_t)control_port);
        socklen_t alen = sizeof(addr);
        if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 16) ||
            getsockname(lfd, (struct sockaddr *)&addr, &alen)) {
                perror("dev-broker: control socket");
                return 1;
        }
        const char *bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
        int cport = ntohs(addr.sin_port);

        if (state_file) {
                char tmp[1024];
                snprintf(tmp, sizeof(tmp), "%s.tmp", state_file);
                FILE *f = fopen(tmp, "w");
                if (!f || fprintf(f, "{\"bootstrap\":\"%s\",\"control\":\"127.0.0.1:%d\",\"pid\":%d}\n",
                                  bootstrap, cport, (int)getpid()) < 0 ||
                    fclose(f) || rename(tmp, state_file)) {
                        perror("dev-broker: state file");
                        return 1;
                }
        }
        printf("ready bootstrap=%s control=127.0.0.1:%d\n", bootstrap, cport);
        fflush(stdout);

        client_t clients[MAX_CLIENTS];
        int nclients = 0;
        int quit = 0;
        while (!stopping && !quit) {
                struct pollfd pfds[MAX_CLIENTS + 1];
                pfds[0].fd = lfd;
                pfds[0].events = POLLIN;
                for (int i = 0; i < nclients; i++) {
                        pfds[i + 1].fd = clients[i].fd;
                        pfds[i + 1].events = POLLIN;
                }
                int r = poll(pfds, (nfds_t)nclients + 1, 500);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("dev-broker: poll");
                        break;
                }
                for (int i = nclients - 1; i >= 0 && !quit; i--) {
                        if (!(pfds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        client_t *cl = &clients[i];
                        ssize_t n = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len - 1);
                        if (n <= 0) {
                                close(cl->fd);
                                clients[i] = clients[--nclients];
                                continue;
                        }
                        cl->len += (size_t)n;
                        cl->buf[cl->len] = '\0';
                        char *nl;
                        while (!quit && (nl = strchr(cl->buf, '\n'))) {
                                *nl = '\0';
                                quit = handle(mc, cl->fd, cl->buf);
                                size_t used = (size_t)(nl - cl->buf) + 1;
                                memmove(cl->buf, nl + 1, cl->len - used + 1);
                                cl->len -= used;
                        }
                        if (cl->len >= sizeof(cl->buf) - 1) {
                                reply(cl->fd, "error line too long");
                                close(cl->fd);
                                clients[i] = clients[--nclients];
                        }
                }
                if (pfds[0].revents & POLLIN) {
                        int cfd = accept(lfd, NULL, NULL);
                        if (cfd >= 0 && nclients < MAX_CLIENTS) {
                                clients[nclients].fd = cfd;
                                clients[nclients].len = 0;
                                nclients++;
                        } else if (cfd >= 0) {
                                reply(cfd, "error too many control connections");
                                close(cfd);
                        }
                }
        }

        for (int i = 0; i < nclients; i++)
                close(clients[i].fd);
        close(lfd);
        if (state_file)
                unlink(state_file);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
