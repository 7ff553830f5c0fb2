# scpd in a small image: built in the Rust image, run as a non-root user in Debian slim.
#   docker build -t scpd .
#   docker run -p 2905:2905 -p 50051:50051 -p 9464:9464 -v scpd:/var/lib/scpd scpd
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin scpd && strip target/release/scpd

FROM debian:bookworm-slim
RUN useradd --system --home-dir /var/lib/scpd --create-home scpd
COPY --from=build /src/target/release/scpd /usr/bin/scpd
USER scpd
WORKDIR /var/lib/scpd
EXPOSE 2905 50051 9464
# The embedded configuration, listening on every interface of the container.
ENTRYPOINT ["/usr/bin/scpd"]
CMD ["run", "--m3ua-listen", "tcp://0.0.0.0:2905", "--grpc-listen", "0.0.0.0:50051", \
     "--metrics-listen", "0.0.0.0:9464", "--db", "/var/lib/scpd/scpd.db"]
