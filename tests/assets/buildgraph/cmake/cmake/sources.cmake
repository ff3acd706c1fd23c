# sources shared by the programs
set(DEMO_COMMON
    ${PROJECT_SOURCE_DIR}/common/log.c)
