# syntax=docker/dockerfile:1
# The silo and the gateway images from one build: `docker build --target silo .` or `--target gateway`
# (docker-compose.yml names the target). Both programs share most of their code, so one SDK stage
# restores and compiles it once and both images reuse that layer.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=grainkv-nuget,target=/root/.nuget/packages \
    dotnet publish silo/GrainKv.Silo -c Release -o /out/silo \
    && dotnet publish gateway/GrainKv.Gateway -c Release -o /out/gateway

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the health checks in docker-compose.yml (GET /health on the metrics URL).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# GrainKv listens where its flags say; the image's default ASP.NET port (8080) would only add a warning.
ENV ASPNETCORE_HTTP_PORTS=
WORKDIR /app

FROM runtime AS silo
# The data dir (member ids; the SQLite log store when --storage sqlite) belongs to the unprivileged app user,
# and a named volume mounted here starts out with that ownership.
RUN install --directory --owner=app --group=app /var/lib/grainkv
ENV GRAINKV_DATA_DIR=/var/lib/grainkv
COPY --from=build /out/silo .
USER app
EXPOSE 2379 2380 2381 11111 30000
ENTRYPOINT ["dotnet", "GrainKv.Silo.dll"]

FROM runtime AS gateway
COPY --from=build /out/gateway .
USER app
EXPOSE 2379 2381
ENTRYPOINT ["dotnet", "GrainKv.Gateway.dll"]
